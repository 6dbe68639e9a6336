package awstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// MFADevice is a virtual MFA device enabled for a user. The harness's moto
// checks MFA codes (GetSessionToken, AssumeRole, EnableMFADevice) as TOTP
// codes of Seed: RFC 6238, HMAC-SHA1, 30-second steps, 6 digits, accepting
// one step of clock skew either side.
type MFADevice struct {
	// Serial is the device's ARN, the mfa_serial of a profile.
	Serial string
	// Seed is the base32 secret an authenticator app would be given.
	Seed string
}

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// CodeAt returns the device's code for the 30-second step containing at.
func (d MFADevice) CodeAt(at time.Time) string {
	code, err := totp.GenerateCodeCustom(d.Seed, at, totpOpts)
	if err != nil {
		panic(fmt.Sprintf("awstest: TOTP of seed %q: %v", d.Seed, err)) // the seed comes from moto
	}
	return code
}

// Code returns the device's current code.
func (d MFADevice) Code() string { return d.CodeAt(time.Now()) }

// WrongCode returns six digits that are none of the codes moto accepts now.
func (d MFADevice) WrongCode() string {
	now := time.Now()
	accepted := map[string]bool{}
	for _, skew := range []time.Duration{-60, -30, 0, 30, 60} {
		accepted[d.CodeAt(now.Add(skew*time.Second))] = true
	}
	for _, c := range []string{"000000", "111111", "123456", "999999"} {
		if !accepted[c] {
			return c
		}
	}
	return "222222"
}

// MFAProcess writes a script that prints the device's current code and
// returns the command to put in a profile's mfa_process (it has no ';' or
// '#', so config parsers keep it whole). With a non-empty counter path the
// script also appends one line to that file per run.
func (d MFADevice) MFAProcess(t testing.TB, counter string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "totp.py")
	src := fmt.Sprintf(`import base64, hashlib, hmac, struct, sys, time
seed = %q
key = base64.b32decode(seed + "=" * (-len(seed) %% 8), casefold=True)
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
if len(sys.argv) > 1:
    with open(sys.argv[1], "a") as f:
        f.write("run\n")
print("%%06d" %% ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) %% 1000000))
`, d.Seed)
	if err := os.WriteFile(script, []byte(src), 0o600); err != nil {
		t.Fatalf("awstest: %v", err)
	}
	cmd := "python3 " + script
	if counter != "" {
		cmd += " " + counter
	}
	return cmd
}

// EnableVirtualMFA creates a virtual MFA device for user and enables it
// with two consecutive codes, as a person does with an authenticator app.
func (m *Moto) EnableVirtualMFA(t testing.TB, user User) MFADevice {
	t.Helper()
	ctx := ctxFor(t)
	client := m.IAM(Credentials{})
	out, err := client.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: aws.String(user.Name),
	})
	if err != nil {
		t.Fatalf("awstest: CreateVirtualMFADevice for %s: %v", user.Name, err)
	}
	d := MFADevice{
		Serial: aws.ToString(out.VirtualMFADevice.SerialNumber),
		Seed:   strings.TrimRight(string(out.VirtualMFADevice.Base32StringSeed), "="),
	}
	now := time.Now()
	if _, err := client.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName:            aws.String(user.Name),
		SerialNumber:        aws.String(d.Serial),
		AuthenticationCode1: aws.String(d.CodeAt(now.Add(-30 * time.Second))),
		AuthenticationCode2: aws.String(d.CodeAt(now)),
	}); err != nil {
		t.Fatalf("awstest: EnableMFADevice %s for %s: %v", d.Serial, user.Name, err)
	}
	return d
}

// CreateMFAUser creates a user (as CreateUser) allowed sts:GetSessionToken,
// with an enabled virtual MFA device.
func (m *Moto) CreateMFAUser(t testing.TB, name string) (User, MFADevice) {
	t.Helper()
	u := m.CreateUser(t, name)
	m.AllowUser(t, u, "sts:GetSessionToken")
	return u, m.EnableVirtualMFA(t, u)
}
