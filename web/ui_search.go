package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"akte/archive"
)

// Search and a citizen's file.

const uiPageSize = 20

// facetLink is one value of a facet: a link that adds (or, when active,
// removes) the filter.
type facetLink struct {
	Value  string
	Count  int
	Href   string
	Active bool
}

type facetGroup struct {
	Name  string // class, year, source, status
	Links []facetLink
}

// fragmentPart is a piece of a highlight: plain text, marked or not. The
// template escapes it; no HTML is built here.
type fragmentPart struct {
	Text string
	Mark bool
}

type hitView struct {
	ID, Title, Citizen, Class, Source, Status string
	Date                                      time.Time
	Fragments                                 [][]fragmentPart
}

type searchData struct {
	Query, Sort       string
	Searched          bool
	Total             int
	Capped            bool
	Rebuilding        bool
	Hits              []hitView
	Facets            []facetGroup
	Page              int
	Prev, Next        string
	Relevance, ByDate string
	Filters           []facetLink // active filters, each a link that removes it
	Keep              []param     // filters and sort kept when the query changes
}

type param struct{ Name, Value string }

// searchFilters are the facet parameters of the search page.
var searchFilters = []string{"class", "year", "source", "status"}

// withParam returns the search URL of q with name set to value (or removed
// when value is ""), back on the first page.
func withParam(q url.Values, name, value string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	v.Del("page")
	if value == "" {
		v.Del(name)
	} else {
		v.Set(name, value)
	}
	return "/ui/search?" + v.Encode()
}

func (s *Server) uiSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &searchData{Query: q.Get("q"), Sort: q.Get("sort"), Page: 1}
	p := s.newPage(r, "search.title", d)
	d.Relevance, d.ByDate = withParam(q, "sort", ""), withParam(q, "sort", "date")
	if d.Sort != "" {
		d.Keep = append(d.Keep, param{"sort", d.Sort})
	}
	searched := d.Query != ""
	for _, f := range searchFilters {
		if v := q.Get(f); v != "" {
			searched = true
			d.Filters = append(d.Filters, facetLink{Value: p.T("facet."+f) + ": " + p.Label(f, v), Href: withParam(q, f, ""), Active: true})
			d.Keep = append(d.Keep, param{f, v})
		}
	}
	if !searched {
		s.render(w, http.StatusOK, "search", p)
		return
	}
	req, err := s.uiSearchRequest(q)
	if err == nil {
		req.Facets, req.Highlight, req.Role = true, true, asRole(req.Role, actor(r).Role)
		var res *archive.SearchResult
		if res, err = s.a.Search(r.Context(), req); err == nil {
			d.fill(res, q, req.From)
		}
	}
	if err != nil {
		status, _ := statusFor(err)
		if status >= 500 || status == http.StatusForbidden {
			s.uiFail(w, r, err)
			return
		}
		p.Error = err.Error() // a query the clerk can fix; the form keeps it
		s.render(w, status, "search", p)
		return
	}
	s.render(w, http.StatusOK, "search", p)
}

// uiSearchRequest reads the search page's parameters.
func (s *Server) uiSearchRequest(q url.Values) (archive.SearchRequest, error) {
	v := url.Values{"q": {q.Get("q")}, "page": {q.Get("page")}, "size": {strconv.Itoa(uiPageSize)}}
	for _, f := range []string{"class", "source", "sort", "citizen"} {
		if x := q.Get(f); x != "" {
			v.Set(f, x)
		}
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1700 || n > 2199 {
			return archive.SearchRequest{}, &archive.FieldError{Kind: archive.ErrInvalid, Field: "year", Reason: "want a year such as 2026"}
		}
		v.Set("from", fmt.Sprintf("%04d-01-01", n))
		v.Set("to", fmt.Sprintf("%04d-12-31", n))
	}
	req, err := searchRequest(v)
	if st := q.Get("status"); st != "" {
		req.Status = []string{st}
	}
	return req, err
}

func (d *searchData) fill(res *archive.SearchResult, q url.Values, from int) {
	d.Searched, d.Total, d.Capped, d.Rebuilding = true, res.Total, res.Capped, res.Rebuilding
	d.Hits = hitsOf(res)
	for _, name := range searchFilters {
		f, ok := res.Facets[name]
		if !ok || len(f.Terms) == 0 {
			continue
		}
		g := facetGroup{Name: name}
		for _, t := range f.Terms {
			active := q.Get(name) == t.Value
			href := withParam(q, name, t.Value)
			if active {
				href = withParam(q, name, "")
			}
			g.Links = append(g.Links, facetLink{Value: t.Value, Count: t.Count, Href: href, Active: active})
		}
		d.Facets = append(d.Facets, g)
	}
	d.Page = from/uiPageSize + 1
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/ui/search?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = page(d.Page - 1)
	}
	if from+len(res.Hits) < res.Total {
		d.Next = page(d.Page + 1)
	}
}

// hitsOf turns search hits into what the page shows; highlight marks
// become parts (the template escapes every part; no HTML is built here).
func hitsOf(res *archive.SearchResult) []hitView {
	var out []hitView
	for _, h := range res.Hits {
		v := hitView{ID: h.ID, Title: h.Title, Citizen: h.Citizen, Class: h.Class, Source: h.Source, Status: h.Status, Date: h.Date}
		for _, f := range h.Fragments {
			var parts []fragmentPart
			at := 0
			for _, m := range f.Marks {
				if m.Start < at || m.End > len(f.Text) || m.Start > m.End {
					continue
				}
				if m.Start > at {
					parts = append(parts, fragmentPart{Text: f.Text[at:m.Start]})
				}
				parts = append(parts, fragmentPart{Text: f.Text[m.Start:m.End], Mark: true})
				at = m.End
			}
			if at < len(f.Text) {
				parts = append(parts, fragmentPart{Text: f.Text[at:]})
			}
			v.Fragments = append(v.Fragments, parts)
		}
		out = append(out, v)
	}
	return out
}

// timelineItem is one record of a citizen's file.
type timelineItem struct {
	Hit       hitView
	Retention *archive.RetentionStatus
	Err       string
}

type citizenData struct {
	Citizen    archive.CitizenID
	Items      []timelineItem
	Total      int
	Events     []archive.CitizenEvent
	ShowEvents bool
	Page       int
	Prev, Next string
}

// uiCitizen: all records of a citizen, newest first, with retention status,
// reasons and holds (records officers also see the citizen's events).
func (s *Server) uiCitizen(w http.ResponseWriter, r *http.Request) {
	c := archive.CitizenID(r.PathValue("id"))
	if !c.Valid() {
		s.uiFail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "citizen", Reason: "not a citizen ID"})
		return
	}
	q := r.URL.Query()
	req, err := searchRequest(url.Values{"page": {q.Get("page")}, "size": {"50"}})
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	req.Citizen, req.Sort, req.Role = []string{string(c)}, "date", asRole(req.Role, actor(r).Role)
	res, err := s.a.Search(r.Context(), req)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	d := &citizenData{Citizen: c, Total: res.Total, Page: req.From/50 + 1}
	for _, h := range hitsOf(res) {
		it := timelineItem{Hit: h}
		if it.Retention, err = s.a.Retention(r.Context(), archive.RecordID(h.ID)); err != nil {
			it.Err = err.Error()
		}
		d.Items = append(d.Items, it)
	}
	if d.Page > 1 {
		d.Prev = fmt.Sprintf("/ui/citizens/%s?page=%d", c, d.Page-1)
	}
	if req.From+len(res.Hits) < res.Total {
		d.Next = fmt.Sprintf("/ui/citizens/%s?page=%d", c, d.Page+1)
	}
	p := s.newPage(r, "citizen.title", d)
	if mayUse(p.User.Role, "GET /api/v1/citizens/{id}/events") {
		d.ShowEvents = true
		if d.Events, err = s.a.Events(r.Context(), c); err != nil {
			s.uiFail(w, r, err)
			return
		}
	}
	s.render(w, http.StatusOK, "citizen", p)
}
