package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func get(t *testing.T, s *Server, token string) (*http.Response, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := map[string]string{}
	json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func TestServesFreshCredentialsWithToken(t *testing.T) {
	var calls atomic.Int32
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := Start(func(context.Context) (Credentials, error) {
		n := calls.Add(1)
		return Credentials{AccessKeyID: "ASIA" + strings.Repeat("X", 15) + string('0'+rune(n)), SecretAccessKey: "s", SessionToken: "tok", Expiration: exp}, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || len(s.Token) < 32 {
		t.Fatalf("URL %q token %q", s.URL, s.Token)
	}

	resp, body := get(t, s, s.Token)
	if resp.StatusCode != 200 || body["AccessKeyId"] != "ASIAXXXXXXXXXXXXXXX1" || body["Token"] != "tok" || body["Expiration"] != "2030-01-02T03:04:05Z" {
		t.Fatalf("status %d body %v", resp.StatusCode, body)
	}
	// Each request asks again, so a refreshed session reaches the child.
	if _, body := get(t, s, s.Token); body["AccessKeyId"] != "ASIAXXXXXXXXXXXXXXX2" {
		t.Errorf("second request served %v", body)
	}
	for _, bad := range []string{"", "wrong", s.Token + "x"} {
		if resp, body := get(t, s, bad); resp.StatusCode != http.StatusForbidden || body["AccessKeyId"] != "" {
			t.Errorf("token %q: status %d body %v", bad, resp.StatusCode, body)
		}
	}
	if calls.Load() != 2 {
		t.Errorf("fetch called %d times; forbidden requests must not fetch", calls.Load())
	}
}

func TestFetchErrorIs500(t *testing.T) {
	var reported error
	s, err := Start(func(context.Context) (Credentials, error) { return Credentials{}, errors.New("key revoked") }, func(e error) { reported = e })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, body := get(t, s, s.Token)
	if resp.StatusCode != 500 || body["message"] != "key revoked" || reported == nil {
		t.Errorf("status %d body %v reported %v", resp.StatusCode, body, reported)
	}
}
