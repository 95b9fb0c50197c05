package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		accept []string
		stream bool
		want   string
		ok     bool
	}{
		{"none", nil, false, mediaJSON, true},
		{"empty", []string{""}, false, mediaJSON, true},
		{"JSON", []string{"application/json"}, false, mediaJSON, true},
		{"graphql-response", []string{mediaGraphQLResponse}, false, mediaGraphQLResponse, true},
		{"first listed wins a tie", []string{mediaGraphQLResponse + ", application/json"}, false, mediaGraphQLResponse, true},
		{"quality wins", []string{"application/json, " + mediaGraphQLResponse + ";q=0.9"}, false, mediaJSON, true},
		{"specific beats wildcard", []string{"*/*, " + mediaGraphQLResponse}, false, mediaGraphQLResponse, true},
		{"wildcard", []string{"*/*"}, false, mediaJSON, true},
		{"application wildcard", []string{"application/*"}, false, mediaJSON, true},
		{"several header lines", []string{"text/html", mediaGraphQLResponse}, false, mediaGraphQLResponse, true},
		{"q=0 excludes", []string{"application/json;q=0"}, false, "", false},
		{"bad q ignored", []string{"application/json;q=2, " + mediaGraphQLResponse}, false, mediaGraphQLResponse, true},
		{"event stream", []string{"text/event-stream"}, true, mediaEventStream, true},
		{"no event stream for GET", []string{"text/event-stream"}, false, "", false},
		{"JSON after event stream for GET", []string{"text/event-stream, application/json;q=0.5"}, false, mediaJSON, true},
		{"nothing usable", []string{"text/html, image/png"}, false, "", false},
		{"garbage", []string{";;;"}, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := negotiate(tt.accept, tt.stream)
			if got != tt.want || ok != tt.ok {
				t.Errorf("negotiate(%q) = %q, %v; want %q, %v", tt.accept, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRequestErrorStatus(t *testing.T) {
	tests := []struct {
		name, media, body string
		executed          bool
		status            int
		hasData           bool
	}{
		{"executed passes through", mediaGraphQLResponse, `{"data":null,"errors":[{"message":"x"}]}`, true, 200, true},
		{"request error, graphql-response", mediaGraphQLResponse, `{"errors":[{"message":"x"}],"data":null}`, false, 400, false},
		{"request error, JSON", mediaJSON, `{"errors":[{"message":"x"}],"data":null}`, false, 200, false},
		{"unauthenticated", mediaGraphQLResponse, `{"errors":[{"message":"x","extensions":{"code":"UNAUTHENTICATED"}}]}`, false, 401, false},
		{"unauthenticated, JSON", mediaJSON, `{"errors":[{"message":"x","extensions":{"code":"UNAUTHENTICATED"}}]}`, false, 401, false},
		{"forbidden", mediaGraphQLResponse, `{"errors":[{"message":"x","extensions":{"code":"FORBIDDEN"}}]}`, false, 403, false},
		{"not JSON kept", mediaJSON, `oops`, false, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			info := &requestInfo{executed: tt.executed}
			g := &gqlWriter{w: rec, info: info}
			if !tt.executed {
				g.WriteHeader(http.StatusUnprocessableEntity)
			}
			_, _ = g.Write([]byte(tt.body))
			g.finish(tt.media)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if got := strings.Contains(rec.Body.String(), `"data"`); got != tt.hasData {
				t.Errorf("data present = %v, want %v: %s", got, tt.hasData, rec.Body.String())
			}
		})
	}
}

func TestRecoverPanics(t *testing.T) {
	s := &Server{logger: discardLogger()}
	tests := []struct {
		name   string
		h      http.HandlerFunc
		status int
		repan  bool
	}{
		{"panic becomes 500", func(http.ResponseWriter, *http.Request) { panic("boom") }, 500, false},
		{"abort handler panics on", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, 0, true},
		{"no panic", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }, 204, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			defer func() {
				if p := recover(); (p != nil) != tt.repan {
					t.Errorf("panic %v, want re-panic %v", p, tt.repan)
				}
			}()
			s.recoverPanics(tt.h).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 500 && strings.Contains(rec.Body.String(), "boom") {
				t.Errorf("panic value leaked: %s", rec.Body.String())
			}
		})
	}
}

func TestValidRequestID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"abc-123_X.y:z", true},
		{"", false},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"a b", false},
		{"a\nb", false},
		{`a"b`, false},
		{"é", false},
	}
	for _, tt := range tests {
		if got := validRequestID(tt.id); got != tt.want {
			t.Errorf("validRequestID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
