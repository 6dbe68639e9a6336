// Package credserver serves credentials to a child process over the
// container-credentials protocol that the AWS CLI and SDKs speak
// (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN),
// on loopback only, so a long-running child gets fresh credentials as the
// old ones near expiry. It knows nothing of keyrings or STS: it calls the
// function it is given for each request.
package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"time"
)

// Credentials are what one request is answered with.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// Fetch returns current credentials; it is called for every request, so it
// should be cheap when nothing needs refreshing (awskeep's session cache).
type Fetch func(ctx context.Context) (Credentials, error)

// Server is a running loopback credentials endpoint.
type Server struct {
	URL   string // for AWS_CONTAINER_CREDENTIALS_FULL_URI
	Token string // for AWS_CONTAINER_AUTHORIZATION_TOKEN

	srv *http.Server
	ln  net.Listener
}

// Start listens on a random loopback port with a random token.
func Start(fetch Fetch, onError func(error)) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String() + "/", Token: hex.EncodeToString(raw[:]), ln: ln}
	s.srv = &http.Server{Handler: s.handler(fetch, onError), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// response is the container-credentials JSON body.
type response struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

func (s *Server) handler(fetch Fetch, onError func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.Token)) != 1 {
			http.Error(w, `{"code":"Forbidden","message":"wrong or missing authorization token"}`, http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet {
			http.Error(w, `{"code":"MethodNotAllowed"}`, http.StatusMethodNotAllowed)
			return
		}
		creds, err := fetch(r.Context())
		if err != nil {
			if onError != nil {
				onError(err)
			}
			body, _ := json.Marshal(map[string]string{"code": "CredentialsUnavailable", "message": err.Error()})
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(body)
			return
		}
		out := response{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, Token: creds.SessionToken}
		if !creds.Expiration.IsZero() {
			out.Expiration = creds.Expiration.UTC().Format(time.RFC3339)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
}
