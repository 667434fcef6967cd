package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/golang/protobuf/jsonpb"
	"github.com/golang/protobuf/proto"
	"github.com/grpc-ecosystem/grpc-gateway/runtime"
)

// jsonMarshaler writes proto3 JSON as docs/api.md promises (lowerCamelCase
// names, every field printed, enums by name) and reads request bodies
// strictly: grpc-gateway 1.6.4's JSONPb ignores unknown fields, so a
// misspelt "dispalyName" would be dropped without a word.
type jsonMarshaler struct {
	runtime.JSONPb
}

func newMarshaler() *jsonMarshaler {
	return &jsonMarshaler{runtime.JSONPb{OrigName: false, EmitDefaults: true}}
}

func (m *jsonMarshaler) Unmarshal(data []byte, v interface{}) error {
	return m.NewDecoder(bytes.NewReader(data)).Decode(v)
}

func (m *jsonMarshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return &strictDecoder{r: r, base: &m.JSONPb}
}

type strictDecoder struct {
	r        io.Reader
	base     *runtime.JSONPb
	dec      *json.Decoder
	fallback runtime.Decoder
}

var messageType = reflect.TypeOf((*proto.Message)(nil)).Elem()

func (d *strictDecoder) Decode(v interface{}) error {
	msg, ok := v.(proto.Message)
	// A body bound to a message field arrives as **Message: decode into a
	// fresh one and set it only when there was a body.
	var field reflect.Value
	if rv := reflect.ValueOf(v); !ok && rv.Kind() == reflect.Ptr && rv.Elem().Kind() == reflect.Ptr &&
		rv.Elem().Type().Implements(messageType) {
		field = rv.Elem()
		msg, ok = reflect.New(field.Type().Elem()).Interface().(proto.Message), true
	}
	if !ok {
		// A body bound to a scalar or repeated field: JSONPb's own rules.
		if d.fallback == nil {
			d.fallback = d.base.NewDecoder(d.r)
		}
		return d.fallback.Decode(v)
	}
	if d.dec == nil {
		d.dec = json.NewDecoder(d.r)
	}
	u := jsonpb.Unmarshaler{AllowUnknownFields: false}
	if err := u.UnmarshalNext(d.dec, msg); err != nil {
		if err == io.EOF {
			return err // no body: grpc-gateway treats it as empty
		}
		return fmt.Errorf("request body: %v", err)
	}
	if field.IsValid() {
		field.Set(reflect.ValueOf(msg))
	}
	return nil
}
