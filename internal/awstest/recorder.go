package awstest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Request is one request moto recorded.
type Request struct {
	Action string // the query API action, e.g. "GetSessionToken"
	Params url.Values
	// AccessKeyID is the key that signed the request (from its
	// Authorization header); filter on it when other tests share the server.
	AccessKeyID string
	// SigningRegion is the region of the SigV4 credential scope.
	SigningRegion string
	Method        string
	URL           string
}

// StartRecording clears moto's request recording and starts recording.
// Recording is global to the server; StartRecording waits until no other
// test of this process is recording, and the recorder is stopped and
// released when the test ends. Call it at most once per test: a second
// call waits for the first to be released and deadlocks.
func (m *Moto) StartRecording(t testing.TB) {
	t.Helper()
	m.recMu.Lock()
	t.Cleanup(func() {
		if err := m.motoAPI("/moto-api/recorder/stop-recording", "", "", nil); err != nil {
			t.Errorf("awstest: %v", err)
		}
		m.recMu.Unlock()
	})
	if err := m.motoAPI("/moto-api/recorder/reset-recording", "", "", nil); err != nil {
		t.Fatalf("awstest: %v", err)
	}
	if err := m.motoAPI("/moto-api/recorder/start-recording", "", "", nil); err != nil {
		t.Fatalf("awstest: %v", err)
	}
}

// StopRecording stops recording; what was recorded stays readable through
// Recorded until the next StartRecording.
func (m *Moto) StopRecording(t testing.TB) {
	t.Helper()
	if err := m.motoAPI("/moto-api/recorder/stop-recording", "", "", nil); err != nil {
		t.Fatalf("awstest: %v", err)
	}
}

// Recorded returns the requests recorded since StartRecording.
func (m *Moto) Recorded(t testing.TB) []Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.Endpoint+"/moto-api/recorder/download-recording", nil)
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	var body []byte
	if err := m.do(req, &body); err != nil {
		t.Fatalf("awstest: %v", err)
	}
	reqs, err := parseRecording(body)
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	return reqs
}

// recordedEntry is one line of moto's recording file.
type recordedEntry struct {
	Headers     map[string]string `json:"headers"`
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Body        *string           `json:"body"`
	BodyEncoded bool              `json:"body_encoded"`
}

func parseRecording(data []byte) ([]Request, error) {
	var reqs []Request
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e recordedEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("recording line %q: %w", line, err)
		}
		r, err := e.request()
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return reqs, sc.Err()
}

func (e recordedEntry) request() (Request, error) {
	params := url.Values{}
	if u, err := url.Parse(e.URL); err == nil {
		for k, vs := range u.Query() {
			params[k] = append(params[k], vs...)
		}
	}
	if e.Body != nil && *e.Body != "" {
		body := []byte(*e.Body)
		if e.BodyEncoded {
			decoded, err := base64.StdEncoding.DecodeString(*e.Body)
			if err != nil {
				return Request{}, fmt.Errorf("recorded body of %s: %w", e.URL, err)
			}
			body = decoded
		}
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range form {
				params[k] = append(params[k], vs...)
			}
		}
	}
	return Request{
		Action:        params.Get("Action"),
		Params:        params,
		AccessKeyID:   signingKeyID(header(e.Headers, "Authorization")),
		SigningRegion: signingRegion(header(e.Headers, "Authorization")),
		Method:        e.Method,
		URL:           e.URL,
	}, nil
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// signingRegion takes the region from a SigV4 Authorization header.
func signingRegion(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	scope, _, _ := strings.Cut(rest, ",")
	if parts := strings.Split(scope, "/"); len(parts) >= 3 {
		return parts[2]
	}
	return ""
}

// signingKeyID takes the key id from a SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, ...".
func signingKeyID(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}
