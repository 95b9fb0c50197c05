package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// TestPresentErrorOfEndedRequests checks that errors of requests whose
// context ended are reported as TIMEOUT or CANCELLED, whatever the store
// made of the interruption, and are not logged as internal errors; and
// that the same errors of a live request are.
func TestPresentErrorOfEndedRequests(t *testing.T) {
	interrupted := errors.New("interrupted (9)")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancelExpired := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelExpired()
	tests := []struct {
		name     string
		ctx      context.Context
		err      error
		wantCode string
		wantLog  bool
	}{
		{"store error of a cancelled request", cancelled, interrupted, "CANCELLED", false},
		{"store error of an expired request", expired, interrupted, "TIMEOUT", false},
		{"context error", context.Background(), fmt.Errorf("query: %w", context.Canceled), "CANCELLED", false},
		{"deadline error", context.Background(), fmt.Errorf("query: %w", context.DeadlineExceeded), "TIMEOUT", false},
		{"store error of a live request", context.Background(), interrupted, CodeInternal, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := &Resolver{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			got := presentError(tt.ctx, r, tt.err)
			if code := got.Extensions["code"]; code != tt.wantCode {
				t.Errorf("code %v, want %s (message %q)", code, tt.wantCode, got.Message)
			}
			if logged := logs.Len() > 0; logged != tt.wantLog {
				t.Errorf("logged %q, want a log line: %v", logs.String(), tt.wantLog)
			}
		})
	}
}
