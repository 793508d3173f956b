package pdfa

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// FieldType is the kind of a form field.
type FieldType string

// Field types. A date is entered as YYYY-MM-DD (or DD.MM.YYYY) and printed
// as DD.MM.YYYY; a checkbox takes true/false (ja/nein, 1/0; empty is
// false); a choice takes exactly one of the field's options.
const (
	FieldText      FieldType = "text"
	FieldDate      FieldType = "date"
	FieldMultiline FieldType = "multiline"
	FieldCheckbox  FieldType = "checkbox"
	FieldChoice    FieldType = "choice"
)

// formDefaultMax is the longest value, in characters, a field type takes when
// its template sets no max.
var formDefaultMax = map[FieldType]int{
	FieldText: 200, FieldDate: 10, FieldMultiline: 2000, FieldCheckbox: 5, FieldChoice: 200,
}

// FormField is one field of a form template.
type FormField struct {
	Name     string    `yaml:"name"`
	Label    string    `yaml:"label"`
	Type     FieldType `yaml:"type"`
	Required bool      `yaml:"required"`
	// Max is the longest value in characters; 0 means the type's default.
	Max     int      `yaml:"max"`
	Options []string `yaml:"options"`
	// Half places the field in a half-width column beside its neighbour.
	Half bool `yaml:"half"`
}

// FormSection is a titled group of fields.
type FormSection struct {
	Title  string      `yaml:"title"`
	Fields []FormField `yaml:"fields"`
}

// SignatureBox is the box the handwritten signature is drawn in.
type SignatureBox struct {
	Label    string `yaml:"label"`
	Required bool   `yaml:"required"`
}

// FormTemplate describes a form: what a submission may contain and how the
// PDF looks. Templates are embedded in the binary (pdfa/templates) and
// shared: callers must not modify them.
type FormTemplate struct {
	ID        string        `yaml:"id"`
	Title     string        `yaml:"title"`
	Subtitle  string        `yaml:"subtitle"`
	Sections  []FormSection `yaml:"sections"`
	Signature *SignatureBox `yaml:"signature"`
}

// Field returns the template's field called name.
func (t *FormTemplate) Field(name string) (*FormField, bool) {
	for i := range t.Sections {
		for j := range t.Sections[i].Fields {
			if f := &t.Sections[i].Fields[j]; f.Name == name {
				return f, true
			}
		}
	}
	return nil, false
}

func (f *FormField) max() int {
	if f.Max > 0 {
		return f.Max
	}
	return formDefaultMax[f.Type]
}

//go:embed templates/*.yaml
var formTemplateFS embed.FS

var (
	formTemplatesOnce = sync.OnceValues(formLoadTemplates)
	formNameRE        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	formIDRE          = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
)

// FormTemplates returns the built-in form templates, sorted by ID.
func FormTemplates() []*FormTemplate {
	ts, err := formTemplatesOnce()
	if err != nil {
		panic(err) // the embedded templates are tested; this is a build defect
	}
	return ts
}

// LookupFormTemplate returns the built-in template with the given ID.
func LookupFormTemplate(id string) (*FormTemplate, bool) {
	for _, t := range FormTemplates() {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

func formLoadTemplates() ([]*FormTemplate, error) {
	names, err := formTemplateFS.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("load form templates: %w", err)
	}
	var ts []*FormTemplate
	for _, e := range names {
		data, err := formTemplateFS.ReadFile(path.Join("templates", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load form templates: %w", err)
		}
		t, err := formParseTemplate(data)
		if err != nil {
			return nil, fmt.Errorf("load form template %s: %w", e.Name(), err)
		}
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b *FormTemplate) int { return strings.Compare(a.ID, b.ID) })
	return ts, nil
}

// formParseTemplate decodes a YAML template strictly and checks that it is
// well formed: names valid and unique, types known, choices with options,
// all text printable in the form fonts.
func formParseTemplate(data []byte) (*FormTemplate, error) {
	var t FormTemplate
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	if !formIDRE.MatchString(t.ID) {
		return nil, fmt.Errorf("parse template: bad id %q", t.ID)
	}
	texts := []string{t.Title, t.Subtitle}
	if t.Title == "" || len(t.Sections) == 0 {
		return nil, fmt.Errorf("parse template %s: title and sections are required", t.ID)
	}
	seen := map[string]bool{}
	for _, s := range t.Sections {
		texts = append(texts, s.Title)
		for _, f := range s.Fields {
			if !formNameRE.MatchString(f.Name) || seen[f.Name] {
				return nil, fmt.Errorf("parse template %s: bad or duplicate field name %q", t.ID, f.Name)
			}
			seen[f.Name] = true
			if _, ok := formDefaultMax[f.Type]; !ok {
				return nil, fmt.Errorf("parse template %s: field %s: unknown type %q", t.ID, f.Name, f.Type)
			}
			if (f.Type == FieldChoice) != (len(f.Options) > 0) {
				return nil, fmt.Errorf("parse template %s: field %s: options belong to choice fields", t.ID, f.Name)
			}
			if f.Label == "" || f.Max < 0 {
				return nil, fmt.Errorf("parse template %s: field %s: label missing or bad max", t.ID, f.Name)
			}
			texts = append(texts, f.Label)
			texts = append(texts, f.Options...)
		}
	}
	if t.Signature != nil {
		texts = append(texts, t.Signature.Label)
	}
	for _, s := range texts {
		if err := formPrintable(s, false); err != nil {
			return nil, fmt.Errorf("parse template %s: %q: %w", t.ID, s, err)
		}
	}
	return &t, nil
}
