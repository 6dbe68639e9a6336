package sts

import (
	"encoding/json"
	"errors"
	"time"
)

// A failed STS call is shared with the callers that waited on its cache
// entry's lock while it was made: for failureShareWindow they get its error
// instead of each making the same call in turn (32 parallel helpers whose
// AssumeRole is denied make one call, not 33). A caller that starts waiting
// after the failure makes its own call.

// failureShareWindow is how long a failure is handed to the waiters.
const failureShareWindow = 5 * time.Second

// lockNotes is what a SessionCache offers to share failures
// (*vault.Store does); a cache without it shares none.
type lockNotes interface {
	SetLockNote(name string, data []byte) error
	LockNote(name string) ([]byte, error)
	ClearLockNote(name string) error
}

// ErrSharedFailure is what a shared failure unwraps to: another awskeep
// process made the same call moments before and got this answer.
var ErrSharedFailure = errors.New("the same call failed for another awskeep process moments before")

// sharedFailure is a classified error as written for the waiters. It holds
// codes, messages and masked facts only, never a secret.
type sharedFailure struct {
	At time.Time `json:"at"`
	// Call identifies the Credentials call that failed, which does not take
	// its own failure for another's when it retries.
	Call             string    `json:"call"`
	Type             string    `json:"type"`
	Operation        string    `json:"operation,omitempty"`
	Code             string    `json:"code,omitempty"`
	Message          string    `json:"message,omitempty"`
	KeyID            string    `json:"key_id,omitempty"`
	Endpoint         string    `json:"endpoint,omitempty"`
	WithSessionToken bool      `json:"with_session_token,omitempty"`
	MFASent          bool      `json:"mfa_sent,omitempty"`
	TimedOut         bool      `json:"timed_out,omitempty"`
	HTTPStatus       int       `json:"http_status,omitempty"`
	RequestID        string    `json:"request_id,omitempty"`
	Attempts         int       `json:"attempts,omitempty"`
	ServerTime       time.Time `json:"server_time,omitzero"`
	LocalTime        time.Time `json:"local_time,omitzero"`
}

func encodeFailure(err error, at time.Time, call string) ([]byte, bool) {
	f := sharedFailure{At: at, Call: call}
	var (
		rejected    *RejectedKeyError
		denied      *AccessDeniedError
		expired     *ExpiredTokenError
		skew        *ClockSkewError
		throttled   *ThrottledError
		unreachable *UnreachableError
		api         *APIError
		bad         *BadAnswerError
	)
	switch {
	case errors.As(err, &rejected):
		f.Type, f.Operation, f.Code, f.Message, f.KeyID, f.Endpoint, f.WithSessionToken =
			"rejected-key", rejected.Operation, rejected.Code, rejected.Message, rejected.KeyID, rejected.Endpoint, rejected.WithSessionToken
	case errors.As(err, &denied):
		f.Type, f.Operation, f.Message, f.MFASent = "access-denied", denied.Operation, denied.Message, denied.MFASent
	case errors.As(err, &expired):
		f.Type, f.Operation, f.Message = "expired-token", expired.Operation, expired.Message
	case errors.As(err, &skew):
		f.Type, f.Operation, f.Code, f.Message, f.ServerTime, f.LocalTime = "clock-skew", skew.Operation, skew.Code, skew.Message, skew.ServerTime, skew.LocalTime
	case errors.As(err, &throttled):
		f.Type, f.Operation, f.Code, f.Attempts = "throttled", throttled.Operation, throttled.Code, throttled.Attempts
	case errors.As(err, &unreachable):
		f.Type, f.Operation, f.Endpoint, f.TimedOut = "unreachable", unreachable.Operation, unreachable.Endpoint, unreachable.TimedOut
	case errors.As(err, &api):
		f.Type, f.Operation, f.Code, f.Message, f.HTTPStatus, f.RequestID = "api", api.Operation, api.Code, api.Message, api.HTTPStatus, api.RequestID
	case errors.As(err, &bad):
		f.Type, f.Operation, f.Endpoint, f.HTTPStatus, f.Attempts = "bad-answer", bad.Operation, bad.Endpoint, bad.HTTPStatus, bad.Attempts
	default:
		return nil, false
	}
	data, jerr := json.Marshal(f)
	return data, jerr == nil
}

func (f sharedFailure) err() error {
	shared := ErrSharedFailure
	switch f.Type {
	case "rejected-key":
		return &RejectedKeyError{KeyID: f.KeyID, Code: f.Code, Message: f.Message, Operation: f.Operation, Endpoint: f.Endpoint, WithSessionToken: f.WithSessionToken, Err: shared}
	case "access-denied":
		return &AccessDeniedError{Operation: f.Operation, Message: f.Message, MFASent: f.MFASent, Err: shared}
	case "expired-token":
		return &ExpiredTokenError{Operation: f.Operation, Message: f.Message, Err: shared}
	case "clock-skew":
		return &ClockSkewError{Operation: f.Operation, Code: f.Code, Message: f.Message, ServerTime: f.ServerTime, LocalTime: f.LocalTime, Err: shared}
	case "throttled":
		return &ThrottledError{Operation: f.Operation, Code: f.Code, Attempts: f.Attempts, Err: shared}
	case "unreachable":
		return &UnreachableError{Operation: f.Operation, Endpoint: f.Endpoint, TimedOut: f.TimedOut, Err: shared}
	case "api":
		return &APIError{Code: f.Code, Message: f.Message, Operation: f.Operation, HTTPStatus: f.HTTPStatus, RequestID: f.RequestID, Err: shared}
	case "bad-answer":
		return &BadAnswerError{Operation: f.Operation, Endpoint: f.Endpoint, HTTPStatus: f.HTTPStatus, Attempts: f.Attempts, Err: shared}
	}
	return nil
}

// sharedFailure returns the failure the holder before us left on lock
// name, when it failed after we began waiting (waitStart) and recently.
func (r *retrieval) sharedFailure(name string, waitStart time.Time) error {
	notes, ok := r.e.cache.(lockNotes)
	if !ok {
		return nil
	}
	data, err := notes.LockNote(name)
	if err != nil {
		return nil
	}
	var f sharedFailure
	if json.Unmarshal(data, &f) != nil {
		return nil
	}
	now := r.e.clock()
	if f.Call == r.e.call || f.At.Before(waitStart) || now.Sub(f.At) >= failureShareWindow {
		return nil
	}
	return f.err()
}

// shareFailure leaves err for the callers waiting on lock name (AWS's
// answers only; not a refused cached session, which its caller drops and
// retries), or clears the note after a success (err nil).
func (r *retrieval) shareFailure(name string, err error) {
	notes, ok := r.e.cache.(lockNotes)
	if !ok {
		return
	}
	if err == nil {
		_ = notes.ClearLockNote(name)
		return
	}
	if staleSession(err) {
		return
	}
	if data, ok := encodeFailure(err, r.e.clock(), r.e.call); ok {
		if werr := notes.SetLockNote(name, data); werr != nil {
			r.log.Debug("could not share the failure with waiting callers", "err", werr)
		}
	}
}
