package sts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Console sign-in (awskeep login): temporary credentials are exchanged at
// the federation endpoint for a sign-in token, which goes into a login URL.
// Which credentials the endpoint takes (the facts in docs/guide.md):
//
//   - an AssumeRole session; SessionDuration (the console session's length)
//     only when the role was assumed with the long-term key, never for a
//     chained one (a role assumed with an MFA session or another role);
//   - a GetFederationToken session made with the long-term key (no MFA
//     possible), never with SessionDuration;
//   - role credentials from IAM Identity Center or web identity;
//   - never a GetSessionToken session.
//
// The sign-in token and the URL are bearer secrets: they are returned as
// vault.Secret, never cached, and logged only as SigninToken=***.

// ConsoleMethod is how login gets console-capable credentials.
type ConsoleMethod int

const (
	// ConsoleRole: the pipeline's AssumeRole session (or SSO / web
	// identity role credentials).
	ConsoleRole ConsoleMethod = iota
	// ConsoleFederation: GetFederationToken signed with the stored key.
	ConsoleFederation
)

// ConsolePlan is what login will do, decided before any request.
type ConsolePlan struct {
	Method ConsoleMethod
	// Options for the pipeline (ConsoleRole).
	Options Options
	// Chained: the role is assumed with temporary credentials, so the
	// console session cannot be longer than the role session (≤ 1 h).
	Chained bool
	// SessionDuration is sent to the federation endpoint; 0 sends none.
	SessionDuration time.Duration
	// FederationDuration is GetFederationToken's DurationSeconds.
	FederationDuration time.Duration
	// MFASerial is set when a key-only profile has mfa_serial: the console
	// session will have no MFA context.
	MFASerial string
}

// Limits of console sessions.
const (
	MaxConsoleSession          = 12 * time.Hour
	MaxFederationTokenDuration = 36 * time.Hour
	DefaultFederationDuration  = 12 * time.Hour
)

// ConsoleRefusedError: login cannot give what was asked; nothing was sent.
type ConsoleRefusedError struct {
	Profile string
	Reason  string
	Fix     string
}

func (e *ConsoleRefusedError) Error() string {
	return fmt.Sprintf("cannot sign in to the console as %s: %s", e.Profile, e.Reason)
}

// PlanConsole decides how to sign chain.Target() in to the console with
// opts (--duration, --mfa-token, --refresh), refusing before any request
// what AWS would refuse.
func PlanConsole(chain *profiles.Chain, opts Options) (ConsolePlan, error) {
	if chain == nil || len(chain.Hops) == 0 {
		return ConsolePlan{}, &UnsupportedChainError{Reason: "empty profile chain"}
	}
	target := chain.Target().Profile
	hops := chain.Hops
	var roles []int
	for i, h := range hops {
		if h.RoleARN != "" {
			roles = append(roles, i)
		}
	}
	d := opts.Duration
	if d != 0 && (d < MinSessionDuration || d > MaxConsoleSession) && len(roles) > 0 {
		return ConsolePlan{}, &ConsoleRefusedError{Profile: target,
			Reason: fmt.Sprintf("--duration %s is outside the console's 15m to 12h", d), Fix: "--duration between 15m and 12h"}
	}
	longTerm := chain.SourceKind == profiles.SourceStoredKey
	if len(roles) == 0 {
		switch chain.SourceKind {
		case profiles.SourceStoredKey:
			fd := d
			if fd == 0 {
				fd = DefaultFederationDuration
			}
			if fd < MinSessionDuration || fd > MaxFederationTokenDuration {
				return ConsolePlan{}, &ConsoleRefusedError{Profile: target,
					Reason: fmt.Sprintf("--duration %s is outside GetFederationToken's 15m to 36h", d), Fix: "--duration between 15m and 36h"}
			}
			serial, _ := mfaSerialFor(hops, len(hops)-1)
			return ConsolePlan{Method: ConsoleFederation, FederationDuration: fd, MFASerial: serial}, nil
		case profiles.SourceSSO, profiles.SourceWebIdentity:
			if d != 0 {
				return ConsolePlan{}, &ConsoleRefusedError{Profile: target,
					Reason: "the console session of " + string(chain.SourceKind) + " role credentials lasts as long as they do; --duration cannot change it",
					Fix:    "leave out --duration"}
			}
			return ConsolePlan{Method: ConsoleRole, Options: opts}, nil
		default:
			return ConsolePlan{}, &ConsoleRefusedError{Profile: target,
				Reason: fmt.Sprintf("its credentials come from a %s, which the federation endpoint cannot take without a role", chain.SourceKind),
				Fix:    "sign in with a profile that assumes a role (role_arn), or store an IAM user's key with 'awskeep add'"}
		}
	}
	serial, _ := mfaSerialFor(hops, roles[0])
	chained := len(roles) > 1 || !longTerm
	// With MFA, the pipeline's default plan is an MFA session then the
	// role (chained); over an hour it assumes the role straight from the
	// key with the code, which the console can take for up to 12 h.
	if serial != "" && !opts.NoSession && (d == 0 || d <= roleChainingCap) {
		chained = true
	}
	if d > roleChainingCap && chained {
		why := "the role is assumed with temporary credentials"
		switch {
		case len(roles) > 1:
			why = "it assumes a role with another role's session (role chaining)"
		case !longTerm:
			why = "its role is assumed with " + string(chain.SourceKind) + " credentials, not a long-term key"
		}
		return ConsolePlan{}, &ConsoleRefusedError{Profile: target,
			Reason: fmt.Sprintf("--duration %s: %s, and AWS caps such console sessions at 1h", d, why),
			Fix:    "use --duration 1h or less, or a profile whose role_arn is assumed straight from a stored key"}
	}
	plan := ConsolePlan{Method: ConsoleRole, Options: opts, Chained: chained}
	if !chained && d > 0 {
		plan.SessionDuration = d
	}
	return plan, nil
}

// FederationPolicy is the session policy of a console federation token: it
// allows everything, so the session keeps exactly the IAM user's own
// permissions (a session's permissions are the intersection; without any
// policy GetFederationToken's session could do nothing).
const FederationPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// FederationName is the federated user's name: the IAM user name (else
// "awskeep-" and the profile), cut to 32 characters of [\w+=,.@-].
func FederationName(userName, profile string) string {
	n := userName
	if n == "" {
		n = "awskeep-" + profile
	}
	b := make([]byte, 0, 32)
	for i := 0; i < len(n) && len(b) < 32; i++ {
		c := n[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0 {
			b = append(b, c)
		} else {
			b = append(b, '-')
		}
	}
	for len(b) < 2 {
		b = append(b, '-')
	}
	return string(b)
}

// GetFederationToken asks STS for a federation session signed with the
// long-term key (never a session: AWS refuses one).
func GetFederationToken(ctx context.Context, cfg ClientConfig, key StaticKey, name, policy string, d time.Duration) (Credentials, error) {
	const operation = "sts:GetFederationToken"
	if err := key.check(); err != nil {
		return Credentials{}, fmt.Errorf("%s: %w", operation, err)
	}
	if !key.SessionToken.IsZero() {
		return Credentials{}, fmt.Errorf("%s needs the long-term key, not a session", operation)
	}
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newSTSClient(cfg, key.provider()).GetFederationToken(callCtx, &awssts.GetFederationTokenInput{
		Name:            aws.String(name),
		Policy:          aws.String(policy),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		return Credentials{}, classify(err, key.call(ctx, operation, cfg.stsEndpoint()))
	}
	arn := ""
	if out.FederatedUser != nil {
		arn = aws.ToString(out.FederatedUser.Arn)
	}
	return credentialsOf(operation, out.Credentials, arn)
}

// Partition hosts of the federation endpoint and the console.
type consoleHosts struct{ signin, console string }

// ConsoleHosts picks the partition's sign-in and console hosts from the
// region; aws-iso* regions have no public console.
func consoleHostsFor(region string) (consoleHosts, error) {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return consoleHosts{"signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"}, nil
	case strings.HasPrefix(region, "cn-"):
		return consoleHosts{"signin.amazonaws.cn", "console.amazonaws.cn"}, nil
	case strings.HasPrefix(region, "eusc-"):
		return consoleHosts{"signin.amazonaws-eusc.eu", "console.amazonaws-eusc.eu"}, nil
	case strings.HasPrefix(region, "us-iso"), strings.HasPrefix(region, "eu-iso"):
		return consoleHosts{}, fmt.Errorf("region %s is in an isolated partition with no public console; set AWSKEEP_SIGNIN_ENDPOINT to its federation endpoint and give --destination", region)
	}
	return consoleHosts{"signin.aws.amazon.com", "console.aws.amazon.com"}, nil
}

// SigninRequest is one console sign-in.
type SigninRequest struct {
	Credentials Credentials
	// SessionDuration is sent when not zero (see PlanConsole).
	SessionDuration time.Duration
	// Region picks the partition and the console's region; "" is us-east-1.
	Region string
	// Destination is the console URL to land on; else Path (e.g.
	// "s3/home") or Service (e.g. "ec2") on the region's console.
	Destination, Path, Service string
	// Issuer is the login URL's Issuer (the page to return to when the
	// session ends); "" sends none.
	Issuer string
	// Endpoint overrides the federation endpoint (AWSKEEP_SIGNIN_ENDPOINT):
	// the full .../federation URL, or a base that gets /federation.
	Endpoint   string
	HTTPClient *http.Client
	Log        interface{ Debug(string, ...any) }
}

// SigninFailedError: the federation endpoint refused the credentials.
type SigninFailedError struct {
	Endpoint string
	Status   int
	Message  string // the endpoint's words, which hold no secret
}

func (e *SigninFailedError) Error() string {
	return fmt.Sprintf("the federation endpoint %s refused the sign-in (HTTP %d): %s", e.Endpoint, e.Status, e.Message)
}

// ConsoleDestination is the console URL req lands on.
func ConsoleDestination(req SigninRequest) (string, error) {
	if req.Destination != "" {
		u, err := url.Parse(req.Destination)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("--destination %q is not an http(s) URL", req.Destination)
		}
		return req.Destination, nil
	}
	region := req.Region
	if region == "" {
		region = DefaultRegion
	}
	hosts, err := consoleHostsFor(region)
	if err != nil {
		return "", err
	}
	path := strings.TrimPrefix(req.Path, "/")
	if path == "" && req.Service != "" {
		path = strings.Trim(req.Service, "/") + "/home"
	}
	if path == "" {
		path = "console/home"
	}
	host := hosts.console
	switch region {
	case "us-east-1", "cn-north-1", "us-gov-west-1":
	default:
		host = region + "." + host
	}
	u := &url.URL{Scheme: "https", Host: host, Path: "/" + path}
	q := u.Query()
	q.Set("region", region)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (req SigninRequest) endpoint() (string, error) {
	if e := strings.TrimSpace(req.Endpoint); e != "" {
		u, err := url.Parse(e)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("AWSKEEP_SIGNIN_ENDPOINT %q is not a URL", e)
		}
		if !strings.HasSuffix(u.Path, "/federation") {
			u.Path = strings.TrimSuffix(u.Path, "/") + "/federation"
		}
		return u.String(), nil
	}
	region := req.Region
	if region == "" {
		region = DefaultRegion
	}
	hosts, err := consoleHostsFor(region)
	if err != nil {
		return "", err
	}
	return "https://" + hosts.signin + "/federation", nil
}

// SigninURL exchanges req's credentials for a sign-in token and returns the
// login URL. Nothing is cached; the URL is valid for 15 minutes.
func SigninURL(ctx context.Context, req SigninRequest) (vault.Secret, error) {
	c := req.Credentials
	if c.SessionToken.IsZero() {
		return "", errors.New("console sign-in needs temporary credentials (a role or federation session), not a long-term key")
	}
	endpoint, err := req.endpoint()
	if err != nil {
		return "", err
	}
	destination, err := ConsoleDestination(req)
	if err != nil {
		return "", err
	}
	session, err := json.Marshal(map[string]string{
		"sessionId": c.AccessKeyID, "sessionKey": c.SecretAccessKey.Reveal(), "sessionToken": c.SessionToken.Reveal(),
	})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if req.SessionDuration > 0 {
		q.Set("SessionDuration", strconv.Itoa(int(req.SessionDuration/time.Second)))
	}
	if req.Log != nil {
		req.Log.Debug("console sign-in: getSigninToken", "endpoint", endpoint, "session_duration", req.SessionDuration, "key", MaskKeyID(c.AccessKeyID))
	}
	client := req.HTTPClient
	if client == nil {
		client = defaultHTTPClient()
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(httpReq)
	if err != nil {
		// The request URL holds the session: report the endpoint only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", &UnreachableError{Operation: "federation:getSigninToken", Endpoint: endpoint, TimedOut: errors.Is(err, context.DeadlineExceeded), Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", &SigninFailedError{Endpoint: endpoint, Status: resp.StatusCode, Message: signinMessage(body)}
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", &SigninFailedError{Endpoint: endpoint, Status: resp.StatusCode, Message: "no SigninToken in the answer"}
	}
	login := url.Values{"Action": {"login"}, "Destination": {destination}, "SigninToken": {out.SigninToken}}
	if req.Issuer != "" {
		login.Set("Issuer", req.Issuer)
	}
	u := endpoint + "?" + login.Encode()
	if req.Log != nil {
		req.Log.Debug("console sign-in: login URL", "url", RedactSigninURL(u))
	}
	return vault.Secret(u), nil
}

// RedactSigninURL hides the SigninToken (and a Session) of a federation URL:
// ...&SigninToken=***.
func RedactSigninURL(u string) string {
	base, query, _ := strings.Cut(u, "?")
	parts := strings.Split(query, "&")
	for i, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && (k == "SigninToken" || k == "Session") {
			parts[i] = k + "=***"
		}
	}
	return base + "?" + strings.Join(parts, "&")
}

// signinMessage keeps a short, printable part of the endpoint's answer.
func signinMessage(body []byte) string {
	s := strings.TrimSpace(string(body))
	if i := strings.Index(s, "<title>"); i >= 0 {
		if j := strings.Index(s[i:], "</title>"); j > 0 {
			s = s[i+len("<title>") : i+j]
		}
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "no explanation given"
	}
	return s
}

// FederationCredentials is a GetFederationToken session for a key-only
// chain, signed with the chain's long-term source key as the pipeline's
// source step reads it (never with a cached session, which AWS refuses).
func (r *Resolver) FederationCredentials(ctx context.Context, chain *profiles.Chain, d time.Duration) (Credentials, error) {
	src, err := r.source(chain)
	if err != nil {
		return Credentials{}, err
	}
	id, err := src.Identify(ctx)
	if err != nil {
		return Credentials{}, err
	}
	if !id.LongTerm {
		return Credentials{}, &ConsoleRefusedError{Profile: chain.Target().Profile,
			Reason: "GetFederationToken needs a long-term IAM key, and this profile's credentials are temporary",
			Fix:    "sign in with a profile that assumes a role"}
	}
	c, err := src.Retrieve(ctx)
	if err != nil {
		return Credentials{}, err
	}
	user := c.UserName
	if user == "" && c.Key != nil {
		user = c.Key.UserName
	}
	cfg := r.clientConfig(chain)
	done := r.Waiting.start("asking AWS STS for a federation token for " + chain.Target().Profile)
	creds, err := GetFederationToken(ctx, cfg, c.StaticKey, FederationName(user, chain.Target().Profile), FederationPolicy, d)
	done()
	if err != nil {
		return Credentials{}, r.failure(chain, src, id, err)
	}
	return creds, nil
}
