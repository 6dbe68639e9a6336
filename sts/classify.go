package sts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// call is what classify needs to know about the call that failed.
type call struct {
	operation    string // "sts:GetCallerIdentity"
	endpoint     string // where it was sent
	keyID        string // the signing key id
	sessionToken bool   // signed with a session token
	mfaSent      bool   // carried an MFA code
	// parent is the caller's context, to tell the caller's cancellation
	// apart from the operation's own time limit.
	parent context.Context
}

var rejectedKeyCodes = map[string]bool{
	"InvalidClientTokenId":        true, // query APIs (STS, IAM)
	"InvalidAccessKeyId":          true, // S3
	"UnrecognizedClientException": true, // JSON APIs
	"SignatureDoesNotMatch":       true,
	"InvalidSignatureException":   true,
}

var accessDeniedCodes = map[string]bool{"AccessDenied": true, "AccessDeniedException": true}

var expiredTokenCodes = map[string]bool{"ExpiredToken": true, "ExpiredTokenException": true}

var clockSkewCodes = map[string]bool{"RequestExpired": true, "RequestTimeTooSkewed": true}

// throttleCodes are AWS's throttling codes. IAM's LimitExceeded is a quota
// (e.g. two keys per user), not throttling, and is deliberately absent.
var throttleCodes = map[string]bool{
	"Throttling":                true,
	"ThrottlingException":       true,
	"ThrottledException":        true,
	"RequestThrottledException": true,
	"TooManyRequestsException":  true,
	"RequestLimitExceeded":      true,
	"RequestThrottled":          true,
	"SlowDown":                  true,
}

// classify turns an SDK error from one call into this package's typed
// errors. Every AWS call in the package goes through it.
func classify(err error, c call) error {
	if err == nil {
		return nil
	}
	if c.parent != nil && c.parent.Err() != nil {
		// The caller gave up (Ctrl-C, its own deadline): not AWS's doing.
		return fmt.Errorf("%s: %w", c.operation, err)
	}

	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return classifyAPIError(err, apiErr, c)
	}
	if status := httpStatus(err); status == http.StatusTooManyRequests {
		return &ThrottledError{Operation: c.operation, Code: "TooManyRequests", Attempts: attempts(err), Err: err}
	}
	if isUnreachable(err) {
		return &UnreachableError{
			Operation: c.operation,
			Endpoint:  endpointOf(err, c.endpoint),
			TimedOut:  errors.Is(err, context.DeadlineExceeded) || isNetTimeout(err),
			Err:       err,
		}
	}
	if status := httpStatus(err); status != 0 {
		// An answer, but no AWS error in it: what answered is not AWS.
		return &BadAnswerError{Operation: c.operation, Endpoint: c.endpoint, HTTPStatus: status, Attempts: attempts(err), Err: err}
	}
	return fmt.Errorf("%s: %w", c.operation, err)
}

func classifyAPIError(err error, apiErr smithy.APIError, c call) error {
	code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
	switch {
	case clockSkewCodes[code] || (rejectedKeyCodes[code] && mentionsSignatureTime(msg)):
		return &ClockSkewError{
			Operation: c.operation, Code: code, Message: msg,
			ServerTime: serverTime(err), LocalTime: time.Now(), Err: err,
		}
	case rejectedKeyCodes[code]:
		return &RejectedKeyError{
			KeyID: c.keyID, Code: code, Message: msg, Operation: c.operation,
			Endpoint: c.endpoint, WithSessionToken: c.sessionToken, Err: err,
		}
	case accessDeniedCodes[code]:
		return &AccessDeniedError{Operation: c.operation, Message: msg, MFASent: c.mfaSent, Err: err}
	case expiredTokenCodes[code]:
		return &ExpiredTokenError{Operation: c.operation, Message: msg, Err: err}
	case throttleCodes[code] || httpStatus(err) == http.StatusTooManyRequests:
		return &ThrottledError{Operation: c.operation, Code: code, Attempts: attempts(err), Err: err}
	}
	apiOut := &APIError{Code: code, Message: msg, Operation: c.operation, HTTPStatus: httpStatus(err), Err: err}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		apiOut.RequestID = respErr.RequestID
	}
	return apiOut
}

// mentionsSignatureTime spots clock skew reported under a signature code:
// "Signature expired: 20240101T000000Z is now earlier than ..." or
// "Signature not yet current: ...".
func mentionsSignatureTime(msg string) bool {
	return strings.Contains(msg, "Signature expired") || strings.Contains(msg, "Signature not yet current")
}

func httpStatus(err error) int {
	var withStatus interface{ HTTPStatusCode() int }
	if errors.As(err, &withStatus) {
		return withStatus.HTTPStatusCode()
	}
	return 0
}

func attempts(err error) int {
	var maxErr *retry.MaxAttemptsError
	if errors.As(err, &maxErr) {
		return maxErr.Attempt
	}
	return 1
}

func serverTime(err error) time.Time {
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &respErr) || respErr.Response == nil {
		return time.Time{}
	}
	t, perr := http.ParseTime(respErr.Response.Header.Get("Date"))
	if perr != nil {
		return time.Time{}
	}
	return t
}

func isUnreachable(err error) bool {
	var sendErr *smithyhttp.RequestSendError
	var netErr net.Error
	var urlErr *url.Error
	return errors.As(err, &sendErr) || errors.As(err, &netErr) || errors.As(err, &urlErr) ||
		errors.Is(err, context.DeadlineExceeded)
}

func isNetTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// endpointOf prefers the URL the request was actually sent to.
func endpointOf(err error, fallback string) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return fallback
}
