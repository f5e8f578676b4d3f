package worker

import "encoding/json"

// InvocationIDHeader carries the host's invocation id on every request it sends.
const InvocationIDHeader = "X-Azure-Functions-InvocationId"

// InvocationRequest is the host's payload for a non-HTTP trigger.
type InvocationRequest struct {
	Data     map[string]json.RawMessage `json:"Data"`
	Metadata map[string]json.RawMessage `json:"Metadata"`
}

// InvocationResponse is the custom handler's answer.
type InvocationResponse struct {
	Outputs     map[string]any `json:"Outputs"`
	Logs        []string       `json:"Logs"`
	ReturnValue any            `json:"ReturnValue"`
}
