package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The OpenAPI 3.1 description of the API, written by hand in YAML (easier
// to read and review) and served as JSON.
//
//go:embed openapi/openapi.yaml
var openapiYAML []byte

// OpenAPI returns the API description as JSON.
var OpenAPI = sync.OnceValues(func() ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return json.MarshalIndent(doc, "", "  ")
})

// opsRoutes: what operators and client authors need beside the API.
func (s *Server) opsRoutes() {
	s.handle("GET /api/v1/openapi.json", s.openapi)
	s.handle("GET /metrics", s.serveMetrics)
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	doc, err := OpenAPI()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(doc)
}
