package sts

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// Limits and defaults of session durations, as AWS sets them.
const (
	MinSessionDuration          = 15 * time.Minute
	MaxSessionTokenDuration     = 36 * time.Hour
	MaxAssumeRoleDuration       = 12 * time.Hour
	DefaultSessionTokenDuration = 12 * time.Hour
	DefaultAssumeRoleDuration   = time.Hour
	// roleChainingCap is AWS's limit on a role assumed with temporary
	// credentials (a session token or another role's session).
	roleChainingCap = time.Hour
)

type stepKind int

const (
	stepSource stepKind = iota
	stepSessionToken
	stepAssumeRole
)

// step is one link from the source to the credentials asked for: the
// source's credentials themselves, a GetSessionToken or an AssumeRole
// signed with base's result.
type step struct {
	kind stepKind
	// id is the cache id of the step's result; empty for the key itself.
	id  string
	hop profiles.Hop // the profile the result is issued for
	// duration is the lifetime asked of AWS, also the freshness yardstick.
	duration time.Duration
	// mfaSerial is sent with this call when set; mfaHop names the device.
	mfaSerial string
	mfaHop    profiles.Hop
	roleARN   string
	// externalID and sessionName are for AssumeRole; an empty sessionName
	// is awskeep's default, awskeep-<user of the source's key>, or
	// awskeep-<sourceProfile> when the user is not known.
	externalID    string
	sessionName   string
	sourceProfile string
	base          *step
}

// plan turns a chain into steps without any I/O (the source is already
// identified), checking every duration first, so a bad one costs no request.
func (e *engine) plan(chain *profiles.Chain, opts Options) (*step, error) {
	if chain == nil || len(chain.Hops) == 0 {
		return nil, &UnsupportedChainError{Reason: "empty profile chain"}
	}
	hops := chain.Hops
	source := hops[0]
	if !e.id.LongTerm {
		opts.NoSession = true // temporary credentials cannot ask for a session token
	}
	key := &step{kind: stepSource, hop: source}
	keyID := cacheID("key", e.id.CacheKey, e.config.region(), e.config.STSEndpoint)

	var roles []int // indexes of the hops that assume a role
	first := 0
	if e.id.AssumesSourceRole {
		first = 1 // the source assumed hop 0's role itself
	}
	for i := first; i < len(hops); i++ {
		if hops[i].RoleARN != "" {
			roles = append(roles, i)
		}
	}

	if len(roles) == 0 {
		if opts.NoSession {
			return key, nil
		}
		target := hops[len(hops)-1]
		d, setting := opts.Duration, "--duration"
		if d == 0 {
			d, setting = DefaultSessionTokenDuration, "default"
		}
		if err := checkDuration(target.Profile, "sts:GetSessionToken", setting, d, MaxSessionTokenDuration); err != nil {
			return nil, err
		}
		serial, owner := mfaSerialFor(hops, len(hops)-1)
		return sessionTokenStep(key, keyID, e.config.region(), target, d, serial, owner), nil
	}

	durations := make([]time.Duration, len(roles))
	for n, i := range roles {
		d, setting := hops[i].Duration, "duration_seconds"
		if n == len(roles)-1 && opts.Duration != 0 { // a negative one is refused below, as for keys
			d, setting = opts.Duration, "--duration"
		}
		if d == 0 {
			d, setting = DefaultAssumeRoleDuration, "default"
		}
		max := MaxAssumeRoleDuration
		if n > 0 {
			// Signed by the previous role's session: AWS caps role chaining.
			max = roleChainingCap
		}
		if err := checkDuration(hops[i].Profile, "sts:AssumeRole", setting, d, max); err != nil {
			if de, ok := err.(*DurationError); ok && n > 0 {
				de.Chained = true
			}
			return nil, err
		}
		durations[n] = d
	}

	serial, owner := mfaSerialFor(hops, roles[0])
	base, parentID := key, keyID
	sendMFA := serial != ""
	// Session token first: one MFA session of the source serves every role
	// profile built on it, so one prompt a day instead of one per role. Its
	// roles are capped at an hour by AWS; longer ones come straight from the
	// key, with the code.
	if serial != "" && !opts.NoSession && durations[0] <= roleChainingCap {
		base = sessionTokenStep(key, keyID, e.config.region(), source, DefaultSessionTokenDuration, serial, owner)
		sendMFA = false
	}
	var s *step
	mfa := false
	for n, i := range roles {
		h := hops[i]
		s = &step{
			kind:          stepAssumeRole,
			hop:           h,
			duration:      durations[n],
			roleARN:       h.RoleARN,
			externalID:    h.ExternalID,
			sessionName:   h.RoleSessionName,
			sourceProfile: source.Profile,
			base:          base,
		}
		// The default name follows from the source's key (its user) and
		// profile, both already in the parent id or here.
		nameID := "name:" + s.sessionName
		if s.sessionName == "" {
			nameID = "default-name:" + source.Profile
		}
		idSerial := ""
		if n == 0 {
			// The device is part of the result whichever way it was used.
			idSerial = serial
			if sendMFA {
				s.mfaSerial, s.mfaHop = serial, owner
			}
		}
		// The code counts for every role built on a session that had one.
		mfa = mfa || idSerial != ""
		s.id = describedID(SessionKind{Kind: SessionRole, MFA: mfa, Duration: s.duration, Region: e.config.region()},
			cacheID(parentID, "AssumeRole", s.roleARN, s.externalID, nameID,
				strconv.FormatInt(int64(s.duration/time.Second), 10), idSerial))
		base, parentID = s, s.id
	}
	return s, nil
}

func sessionTokenStep(key *step, keyID, region string, hop profiles.Hop, d time.Duration, serial string, owner profiles.Hop) *step {
	return &step{
		kind: stepSessionToken,
		id: describedID(SessionKind{Kind: SessionToken, MFA: serial != "", Duration: d, Region: region},
			cacheID(keyID, "GetSessionToken", serial, strconv.FormatInt(int64(d/time.Second), 10))),
		hop:       hop,
		duration:  d,
		mfaSerial: serial,
		mfaHop:    owner,
		base:      key,
	}
}

// mfaSerialFor finds the MFA device for the call made for hops[i]: its own
// mfa_serial, else the nearest one towards the source (a role inherits its
// source profile's device).
func mfaSerialFor(hops []profiles.Hop, i int) (string, profiles.Hop) {
	for ; i >= 0; i-- {
		if hops[i].MFASerial != "" {
			return hops[i].MFASerial, hops[i]
		}
	}
	return "", profiles.Hop{}
}

func checkDuration(profile, operation, setting string, d, max time.Duration) error {
	if d < MinSessionDuration || d > max {
		return &DurationError{Profile: profile, Operation: operation, Setting: setting,
			Duration: d, Min: MinSessionDuration, Max: max}
	}
	return nil
}

// cacheID derives a cache id from everything that changes a result. The
// parts are length-prefixed so no two lists hash alike.
func cacheID(parts ...string) string {
	h := sha256.New()
	h.Write([]byte("awskeep-session-v1"))
	for _, part := range parts {
		h.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

const maxSessionNameLen = 64

// defaultSessionName is "awskeep-" and the IAM user name (else the source
// profile), so CloudTrail shows who assumed the role, reduced to the
// characters AWS allows in a role session name.
func defaultSessionName(userName, profile string) string {
	who := userName
	if who == "" {
		who = profile
	}
	name := []byte("awskeep-" + who)
	for i, c := range name {
		if !sessionNameChar(c) {
			name[i] = '-'
		}
	}
	return string(name[:min(len(name), maxSessionNameLen)])
}

func sessionNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0
}
