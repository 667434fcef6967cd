package proxy

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Logger writes one JSON object per line, like the services
// (docs/operations.md): time, level, service, request id, message, fields.
// It never logs query strings or bodies: filters and bodies carry personal
// data.
type Logger struct {
	mu  sync.Mutex
	out io.Writer
}

// NewLogger logs to out (stderr when nil).
func NewLogger(out io.Writer) *Logger {
	if out == nil {
		out = os.Stderr
	}
	return &Logger{out: out}
}

// Log writes one line; fields are name, value pairs.
func (l *Logger) Log(level, requestID, msg string, fields ...interface{}) {
	line := map[string]interface{}{
		"ts":    time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		"level": level,
		"svc":   "csm-gateway",
		"msg":   msg,
	}
	if requestID != "" {
		line["request_id"] = requestID
	}
	for i := 0; i+1 < len(fields); i += 2 {
		line[fmt.Sprint(fields[i])] = fields[i+1]
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.out.Write(append(b, '\n'))
}

// Request logs one served request: route template (never the raw path's
// query), status, the gRPC code of a failed call, duration.
func (l *Logger) Request(id, method, route string, code int, grpcCode string, d time.Duration) {
	level := "info"
	if code >= 500 {
		level = "warn"
	}
	fields := []interface{}{"method", method, "route", route, "code", code,
		"duration_ms", fmt.Sprintf("%.3f", float64(d.Microseconds())/1000)}
	if grpcCode != "" {
		fields = append(fields, "grpc_code", grpcCode)
	}
	l.Log(level, id, "http", fields...)
}
