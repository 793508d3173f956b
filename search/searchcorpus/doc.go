// Package searchcorpus generates a deterministic corpus of German municipal documents and a
// fixed mix of clerk queries, for the tests and the 1,000,000-document benchmark of the
// search index (package akte/search).
//
// A [Generator] is made from [Options] (a seed, the corpus size, the number of citizens).
// [Generator.Doc] returns document number i and [Generator.Query] query number i; both are
// pure functions of the options and i, so a benchmark generates a million documents as a
// stream, in any order and in parallel, without holding them.
//
// # The corpus
//
// Documents are what a town hall files about its citizens: applications and register
// entries (forms with fields, legal fine print and clerks' notes), notices and letters from
// the municipality (a Bescheid ends with its Rechtsbehelfsbelehrung) and letters from
// citizens. Each is built from templates whose slots are filled from word lists: names,
// streets and towns with umlauts and ß, dates, amounts in German notation (1.234,56 €), case
// numbers (Az. 33-1234/2024), citations (§ 17 Abs. 1 BMG, § 6 PassG, § 155 AO) and notes made
// of a noun vocabulary drawn with Zipf weights, so a few words are very frequent and many are
// rare. Text length is 1–5 KB, 3 KB on average.
//
// Kinds and their share of documents (per mille), by the class they are filed under:
//
//	registration               Anmeldung 170
//	deregistration             Abmeldung 55
//	passport-application       Reisepass 95
//	id-card-application        Personalausweis 140
//	birth-certificate-request  Geburtsurkunde 75
//	tax                        Gewerbesteuer 30, Grundsteuer 75, Müllgebühren 50, Hundesteuer 15
//	correspondence             Anhörung 40, Bescheid 35, Widerspruchsbescheid 20, Mahnung 55,
//	                           Widerspruch (from the citizen) 30, Erinnerung 50
//	civil-register             Geburten- 30, Ehe- 20, Sterberegister 15
//
// Each kind has its own mix of sources — passports come from the counter, tax notices over
// the API, objections by post and scanner — which gives about 17 % portal, 33 % counter,
// 13 % scan, 19 % import and 19 % api overall. About 5 % of documents are restricted: those
// of citizens with an Auskunftssperre (2.5 % of citizens) and 2.5 % of the others.
// TestProportions pins these shares.
//
// Document dates lie between 2005-01-01 and 2026-05-31, three times as dense at the end as at
// the start; counter and scanner documents fall on working days. Created follows on the same
// day (portal, counter, API) or within days or weeks (scan, import).
//
// # Citizens
//
// A citizen has a stable ID ("P" and seven digits), name, birth date, birth place and
// address. 40 % of family names come from a list of 200 common ones with Zipf weights (Müller
// first, about 4 % of citizens), the rest are compounds of a long tail ("Obermüller",
// "Steinbacher"); 3 % are double names. Given names follow a Zipf law over 70 per sex. So
// many citizens share a family name and some a full name; 40 % live in two-person households
// sharing name and address. The number of documents per citizen follows a discrete Pareto
// law with mean Docs/Citizens (4 by default): 87 % have 1–5, 7 % 10 or more, at most 120.
// Documents are assigned in blocks of 512 consecutive numbers, each block with its own
// citizens, so the first k·512 documents hold complete files and a small test index has
// citizens with many documents. Doc.Names holds the citizen's given and family names, as the
// archive indexes them from a form.
//
// # Invariants
//
//   - Doc(i) and Query(i) depend only on the Options and i, also across Go versions: the
//     package uses its own random numbers, not math/rand.
//   - Every Doc is valid for search.Index.Put; IDs are ULIDs with the time of Created and are
//     unique within a corpus (their entropy is a bijection of i).
//   - Query(i) parses (search.ParseQuery) and refers only to citizens, names and classes of
//     documents 0..Docs-1.
//
// # What it must never do
//
//   - Read the clock, the environment or files: the corpus is the same on every machine.
//   - Hold documents: a Generator is a few tables, whatever the corpus size.
//   - Be imported by non-test code other than benchmarks and tools.
package searchcorpus
