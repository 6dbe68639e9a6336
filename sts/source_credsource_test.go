package sts

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// credsServer serves a moto key the way IMDS (IMDSv2) or the ECS
// credentials endpoint does, refusing requests without the token.
func credsServer(t *testing.T, ecs bool, id, secret string) (*httptest.Server, *atomic.Int32) {
	var served atomic.Int32
	body := func() []byte {
		b, _ := json.Marshal(map[string]string{"Code": "Success", "AccessKeyId": id, "SecretAccessKey": secret,
			"Expiration": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "Type": "AWS-HMAC"})
		return b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case ecs && r.URL.Path == "/creds" && r.Header.Get("Authorization") == "ecs-secret":
			served.Add(1)
			w.Write(body())
		case ecs:
			http.Error(w, "no", http.StatusUnauthorized)
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "21600")
			w.Write([]byte("imds-token"))
		case r.Header.Get("X-aws-ec2-metadata-token") != "imds-token":
			http.Error(w, "no token", http.StatusUnauthorized)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			w.Write([]byte("instance-role"))
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/instance-role":
			served.Add(1)
			w.Write(body())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &served
}

// TestCredentialSourceMetadataAndContainer: a role assumed with the key
// IMDS (token required) or the container endpoint (authorization token
// required) serves; moto records AssumeRole signed with that key.
func TestCredentialSourceMetadataAndContainer(t *testing.T) {
	t.Parallel()
	user := moto.CreateUser(t, "imds")
	roleARN := moto.CreateRole(t, "frommeta", user.ARN)
	for _, tc := range []struct {
		source string
		env    func(url string) map[string]string
	}{
		{CredentialSourceEC2, func(u string) map[string]string { return map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": u} }},
		{CredentialSourceECS, func(u string) map[string]string {
			return map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": u + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ecs-secret"}
		}},
	} {
		t.Run(tc.source, func(t *testing.T) {
			srv, served := credsServer(t, tc.source == CredentialSourceECS, user.Key.AccessKeyID, user.Key.SecretAccessKey)
			env := tc.env(srv.URL)
			chain := &profiles.Chain{SourceKind: profiles.SourceCredentialSource,
				Hops: []profiles.Hop{{Profile: "meta", RoleARN: roleARN, CredentialSource: tc.source}}}
			waits := &waitLog{}
			r := &Resolver{Store: newMemCache(), Getenv: func(k string) string { return env[k] },
				Configure: func(c *ClientConfig) { *c = motoConfig() }, Waiting: waits.waiting}
			res, err := r.Credentials(context.Background(), chain, Options{})
			if err != nil {
				t.Fatal(err)
			}
			where := map[string]string{CredentialSourceEC2: "the instance metadata service", CredentialSourceECS: "the container credentials endpoint"}[tc.source]
			asking := "asking " + where + " for meta's credentials"
			wantWaits := []string{"start " + asking, "end " + asking,
				"start asking AWS STS for a role session for meta", "end asking AWS STS for a role session for meta"}
			if got := waits.got(); !slices.Equal(got, wantWaits) {
				t.Errorf("waits:\n%q\nwant\n%q", got, wantWaits)
			}
			id, err := GetCallerIdentity(context.Background(), motoConfig(), StaticKey{AccessKeyID: res.AccessKeyID, SecretAccessKey: res.SecretAccessKey, SessionToken: res.SessionToken})
			if err != nil || !strings.Contains(id.ARN, ":assumed-role/"+roleName(roleARN)+"/") {
				t.Errorf("caller = %+v, %v", id, err)
			}
			if served.Load() != 1 {
				t.Errorf("credentials served %d times", served.Load())
			}
		})
	}

	chain := &profiles.Chain{SourceKind: profiles.SourceCredentialSource, Hops: []profiles.Hop{{Profile: "meta", RoleARN: roleARN, CredentialSource: CredentialSourceECS}}}
	r := &Resolver{Store: newMemCache(), Getenv: func(string) string { return "" }}
	_, err := r.Credentials(context.Background(), chain, Options{})
	if err == nil || !strings.Contains(err.Error(), "neither 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'") {
		t.Errorf("EcsContainer without the variables: %v", err)
	}
}

func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
