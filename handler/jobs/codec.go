package jobs

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Queue message encoding — the ONE rule for every producer and for host.json:
// the message text is the base64 (standard alphabet, padded) of the JSON message.
// host.json keeps extensions.queues.messageEncoding = "base64" (the host's default), so
// the host decodes it and hands the JSON to the handler (as a JSON string, see
// DecodeHostValue); `atg serve` decodes it with DecodeMessage.

// MessageEncoding is the value host.json must carry in extensions.queues.messageEncoding.
const MessageEncoding = "base64"

// EncodeMessage returns the queue text for m.
func EncodeMessage(m Message) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encoding queue message: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// DecodeMessage decodes queue text produced by EncodeMessage.
func DecodeMessage(text string) (Message, error) {
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return Message{}, fmt.Errorf("queue message is not base64: %w", err)
	}
	return ParseMessage(b)
}

// ParseMessage decodes the JSON form of a message, leniently: JSON strings that contain
// JSON are unquoted until an object appears (the Functions host double-encodes).
func ParseMessage(raw []byte) (Message, error) {
	obj, err := DecodeHostValue(raw)
	if err != nil {
		return Message{}, err
	}
	var m Message
	if err := json.Unmarshal(obj, &m); err != nil {
		return Message{}, fmt.Errorf("queue message: %w", err)
	}
	if m.JobID == "" || m.Owner == "" || (m.Kind != KindStart && m.Kind != KindShard) {
		return Message{}, errors.New("queue message: job_id, owner and kind (start|shard) are required")
	}
	if m.Kind == KindShard && m.Shard == "" {
		return Message{}, errors.New("queue message: shard messages need a shard")
	}
	return m, nil
}

// DecodeHostValue unwraps a value from a Functions host payload until it is a JSON object:
// JSON strings are unquoted (repeatedly), and a string that is base64 of a JSON object is
// decoded too (a message the host passed through undecoded).
func DecodeHostValue(raw []byte) (json.RawMessage, error) {
	cur := bytes.TrimSpace(raw)
	for i := 0; i < 8; i++ {
		if len(cur) == 0 {
			return nil, errors.New("empty value")
		}
		switch cur[0] {
		case '{':
			if !json.Valid(cur) {
				return nil, errors.New("value is not valid JSON")
			}
			return json.RawMessage(cur), nil
		case '"':
			var s string
			if err := json.Unmarshal(cur, &s); err != nil {
				return nil, fmt.Errorf("value is not a JSON string: %w", err)
			}
			cur = bytes.TrimSpace([]byte(s))
		default:
			if b, err := base64.StdEncoding.DecodeString(string(cur)); err == nil && len(b) > 0 {
				cur = bytes.TrimSpace(b)
				continue
			}
			return nil, fmt.Errorf("value is not a JSON object (starts with %q)", cur[0])
		}
	}
	return nil, errors.New("value is nested too deeply")
}

// ParseDequeueCount reads the host's DequeueCount, a number or a string holding one.
func ParseDequeueCount(raw json.RawMessage) (int, error) {
	if len(raw) == 0 {
		return 0, errors.New("no DequeueCount")
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		v, err := strconv.Atoi(n.String())
		if err == nil {
			return v, nil
		}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if v, err := strconv.Atoi(s); err == nil {
			return v, nil
		}
		var inner json.RawMessage = []byte(s)
		if s != "" && s[0] == '"' {
			return ParseDequeueCount(inner)
		}
	}
	return 0, fmt.Errorf("DequeueCount %s is not a number", raw)
}
