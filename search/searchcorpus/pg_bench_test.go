package searchcorpus_test

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"akte/search"
	"akte/search/searchcorpus"
)

var benchPG = flag.String("pg", "", "also run BenchmarkSearchMix against PostgreSQL full-text search at this `DSN` (scripts/bench-search.sh starts one)")

// pgMix is the usual alternative to a search index, set up the usual way: one table, a
// stored tsvector column with the 'german' configuration (title and names weighted A, body
// D), a GIN index on it, B-tree indexes on citizen and class, ranking by ts_rank, totals by
// count(*), facets by GROUPING SETS and highlights by ts_headline.
type pgMix struct {
	conn   *pgx.Conn // searches
	ingest *pgx.Conn // inserts while searching
}

const pgSchema = `
DROP TABLE IF EXISTS bench_docs;
DROP TABLE IF EXISTS bench_meta;
CREATE TABLE bench_docs (
	id      text PRIMARY KEY,
	citizen text NOT NULL,
	class   text NOT NULL,
	source  text NOT NULL,
	status  text NOT NULL,
	date    date NOT NULL,
	title   text NOT NULL,
	names   text NOT NULL,
	body    text NOT NULL,
	tsv     tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('german', title), 'A') ||
		setweight(to_tsvector('german', names), 'A') ||
		to_tsvector('german', body)) STORED
);
CREATE TABLE bench_meta (docs int NOT NULL);
`

const pgIndexes = `
CREATE INDEX bench_docs_tsv ON bench_docs USING gin (tsv);
CREATE INDEX bench_docs_citizen ON bench_docs (citizen, date);
CREATE INDEX bench_docs_class ON bench_docs (class, date);
ANALYZE bench_docs;
`

// openPG connects to dsn and loads the first docs documents of g, unless the database holds
// exactly them from an earlier run.
func openPG(ctx context.Context, b *testing.B, dsn string, g *searchcorpus.Generator, docs int) *pgMix {
	conn := connectPG(ctx, b, dsn)
	var have int
	if err := conn.QueryRow(ctx, `SELECT docs FROM bench_meta`).Scan(&have); err == nil && have == docs {
		b.Logf("PostgreSQL: reusing the loaded corpus of %d documents", docs)
		return &pgMix{conn, connectPG(ctx, b, dsn)}
	}
	start := time.Now()
	if _, err := conn.Exec(ctx, pgSchema); err != nil {
		b.Fatalf("PostgreSQL schema: %v", err)
	}
	cols := []string{"id", "citizen", "class", "source", "status", "date", "title", "names", "body"}
	src := &pgDocs{g: g, n: docs, b: b, start: start}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"bench_docs"}, cols, src); err != nil {
		b.Fatalf("PostgreSQL COPY: %v", err)
	}
	loaded := time.Since(start)
	if _, err := conn.Exec(ctx, pgIndexes); err != nil {
		b.Fatalf("PostgreSQL indexes: %v", err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO bench_meta VALUES ($1)`, docs); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	var size int64
	conn.QueryRow(ctx, `SELECT pg_total_relation_size('bench_docs')`).Scan(&size)
	b.ReportMetric(float64(docs)/el.Seconds(), "pg-load-docs/s")
	b.ReportMetric(float64(size)/float64(docs), "pg-bytes/doc")
	b.Logf("PostgreSQL: %d docs loaded in %v (COPY with tsvector %v, indexes %v), %.1f MB with indexes",
		docs, el.Round(time.Second), loaded.Round(time.Second), (el - loaded).Round(time.Second), float64(size)/1e6)
	return &pgMix{conn, connectPG(ctx, b, dsn)}
}

func connectPG(ctx context.Context, b *testing.B, dsn string) *pgx.Conn {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatalf("PostgreSQL at %q: %v", dsn, err)
	}
	return conn
}

func (p *pgMix) close(ctx context.Context) {
	p.conn.Close(ctx)
	p.ingest.Close(ctx)
}

// pgDocs feeds the generator's documents to COPY.
type pgDocs struct {
	g     *searchcorpus.Generator
	n, i  int
	b     *testing.B
	start time.Time
	row   []any
}

func (p *pgDocs) Next() bool {
	if p.i > 0 && p.i%100000 == 0 {
		p.b.Logf("PostgreSQL: copied %d docs, %.0f docs/s", p.i, float64(p.i)/time.Since(p.start).Seconds())
	}
	if p.i == p.n {
		return false
	}
	p.row = pgRow(p.g.Doc(p.i))
	p.i++
	return true
}

func (p *pgDocs) Values() ([]any, error) { return p.row, nil }
func (p *pgDocs) Err() error             { return nil }

func pgRow(d search.Doc) []any {
	date := d.Date
	if date.IsZero() {
		date = d.Created
	}
	return []any{d.ID, d.Citizen, d.Class, d.Source, d.Status, date.UTC(), d.Title, strings.Join(d.Names, " "), d.Text}
}

// insert adds one document, as ingest would.
func (p *pgMix) insert(ctx context.Context, d search.Doc) error {
	_, err := p.ingest.Exec(ctx, `INSERT INTO bench_docs (id, citizen, class, source, status, date, title, names, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`, pgRow(d)...)
	return err
}

// search runs q as a clerk: the page of 20 best hits (ts_rank, or newest first without
// words) and the total; with Facets also the four facets and ts_headline fragments of the
// page. It returns the IDs of the page.
func (p *pgMix) search(ctx context.Context, q searchcorpus.QuerySpec) ([]string, error) {
	pq, err := search.ParseQuery(q.Query)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	where = append(where, "status = 'active'")
	var ts []string
	for _, t := range pq.Terms {
		fn := "plainto_tsquery"
		if t.Phrase {
			fn = "phraseto_tsquery"
		}
		e := fmt.Sprintf("%s('german', %s)", fn, arg(t.Text))
		if t.Exclude {
			e = "!!" + e
		}
		ts = append(ts, e)
	}
	tsq := strings.Join(ts, " && ")
	if tsq != "" {
		where = append(where, "tsv @@ ("+tsq+")")
	}
	for _, f := range []struct {
		col  string
		vals []string
	}{{"citizen", q.Citizen}, {"citizen", pq.Citizens}, {"class", q.ClassFilter}, {"class", pq.Classes}} {
		if len(f.vals) > 0 {
			where = append(where, f.col+" = ANY("+arg(f.vals)+")")
		}
	}
	for _, d := range []struct {
		op string
		t  time.Time
		to bool
	}{{">=", q.From, false}, {">=", pq.From, false}, {"<", q.To, true}, {"<", pq.To, true}} {
		if !d.t.IsZero() {
			t := d.t
			if d.to {
				t = t.AddDate(0, 0, 1)
			}
			where = append(where, "date "+d.op+" "+arg(t))
		}
	}
	cond := strings.Join(where, " AND ")
	order := "date DESC"
	if tsq != "" {
		order = "ts_rank(tsv, " + tsq + ") DESC"
	}
	cols := "id"
	if q.Highlight && tsq != "" {
		cols = "id, ts_headline('german', body, " + tsq + ")"
	}
	rows, err := p.conn.Query(ctx, "SELECT "+cols+" FROM bench_docs WHERE "+cond+" ORDER BY "+order+" LIMIT 20", args...)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		ids = append(ids, vals[0].(string))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var total int
	if err := p.conn.QueryRow(ctx, "SELECT count(*) FROM bench_docs WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, err
	}
	if q.Facets {
		rows, err := p.conn.Query(ctx, `SELECT class, extract(year FROM date)::int, source, status, count(*) FROM bench_docs WHERE `+cond+
			` GROUP BY GROUPING SETS ((class), (extract(year FROM date)::int), (source), (status))`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
