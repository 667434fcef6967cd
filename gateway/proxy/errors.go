package proxy

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"

	"github.com/golang/protobuf/jsonpb"
	"github.com/golang/protobuf/ptypes"
	"github.com/golang/protobuf/ptypes/any"
	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// HTTPStatus is the one mapping from a gRPC code to an HTTP status
// (docs/api.md, "Errors"): google.rpc.Code's own HTTP mapping, which also
// puts FAILED_PRECONDITION at 400 (grpc-gateway's default says 412), plus
// 499 for a call the client cancelled.
func HTTPStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return http.StatusBadRequest
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists, codes.Aborted:
		return http.StatusConflict
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.Canceled:
		return 499 // client closed request
	case codes.Unimplemented:
		return http.StatusNotImplemented
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	default: // Unknown, Internal, DataLoss
		return http.StatusInternalServerError
	}
}

// codeName is the canonical name of c, e.g. "FAILED_PRECONDITION".
func codeName(c codes.Code) string {
	if name, ok := rpccode.Code_name[int32(c)]; ok {
		return name
	}
	return fmt.Sprintf("CODE_%d", c)
}

var statusJSON = jsonpb.Marshaler{OrigName: false, EmitDefaults: true}

// writeStatus writes st as its google.rpc.Status JSON: code, message and
// details, each with its "@type" (field violations included).
func writeStatus(w http.ResponseWriter, httpStatus int, st *status.Status) {
	body, err := statusJSON.MarshalToString(st.Proto())
	if err != nil {
		// A detail type this binary does not know: keep code and message.
		body, _ = statusJSON.MarshalToString(&spb.Status{Code: int32(st.Code()), Message: st.Message()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(httpStatus)
	_, _ = io.WriteString(w, body)
}

// badRequest is INVALID_ARGUMENT with a google.rpc.BadRequest, the shape
// the services use.
func badRequest(summary string, violations []*errdetails.BadRequest_FieldViolation) *status.Status {
	msg := summary
	for i, v := range violations {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		msg += sep + v.GetField() + ": " + v.GetDescription()
	}
	detail, err := ptypes.MarshalAny(&errdetails.BadRequest{FieldViolations: violations})
	if err != nil {
		return status.New(codes.InvalidArgument, msg)
	}
	return status.FromProto(&spb.Status{Code: int32(codes.InvalidArgument), Message: msg,
		Details: []*any.Any{detail}})
}

// requestID keeps a caller's id when the services would (printable ASCII
// without spaces, at most 128 characters: common/rpc.cc), so that one id
// names the call everywhere; otherwise it makes a UUIDv4.
func requestID(given string) string {
	if valid := len(given) > 0 && len(given) <= 128; valid {
		for i := 0; i < len(given); i++ {
			if given[i] < 0x21 || given[i] > 0x7e {
				valid = false
				break
			}
		}
		if valid {
			return given
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// limitedBody fails a read past the limit and marks the call, so that the
// error handler answers 413 instead of grpc-gateway's 400.
type limitedBody struct {
	body io.ReadCloser
	left int64
	call *callState
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := l.body.Read(one[:])
		if n > 0 {
			l.call.bodyTooLarge = true
			return 0, fmt.Errorf("request body too large")
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.body.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limitedBody) Close() error { return l.body.Close() }
