package web

// Messages returns the UI's texts in lang, for tests.
func Messages(lang string) map[string]string { return messages[lang] }
