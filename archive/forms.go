package archive

import "akte/pdfa"

// Form templates, for callers that fill forms in (the counter intake of
// the web UI) and may import the engine only. They are pdfa's: shared and
// read-only.
type (
	// FormTemplate is a form the portal and the counter fill in.
	FormTemplate = pdfa.FormTemplate
	// FormSubmission is a filled-in form: the JSON of a MediaForm original.
	FormSubmission = pdfa.Submission
	// FormPoint is one sample of a signature's pen stroke.
	FormPoint = pdfa.Point
)

// FormTemplates returns the built-in form templates, sorted by ID.
func FormTemplates() []*FormTemplate { return pdfa.FormTemplates() }

// LookupFormTemplate returns the built-in template with the given ID.
func LookupFormTemplate(id string) (*FormTemplate, bool) { return pdfa.LookupFormTemplate(id) }
