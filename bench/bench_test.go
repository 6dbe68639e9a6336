// Package bench times whole awskeep processes against trivial baselines:
// a warm-cache credential-process against a program that reads a file and
// prints it, and `awskeep exec P -- true` against `true`. Run with
//
//	go test -run '^$' -bench . -benchtime 50x ./bench/
//
// Each benchmark reports the median wall time of one process (median-ms)
// and its peak resident memory measured with GNU time (package time).
// Without -bench nothing is built or started.
package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/internal/keyringtest"
)

var baseline = flag.String("baseline", "", "a commit whose awskeep BenchmarkManyProfiles also times, in the same rounds")

var (
	bin         string // awskeep, built without -race
	binJWE      string // awskeep at jweBaselineRef, the last with the JWE file keyring
	binBase     string // awskeep at -baseline, when given
	catfile     string
	catfileHTTP string
	moto        *awstest.Moto
)

// jweBaselineRef is the last commit whose file keyring is 99designs/keyring's
// JWE format (a PBKDF2 derivation per item read), built to compare against.
const jweBaselineRef = "efd37d7"

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run())
	}
	os.Exit(setupAndRun(m))
}

func setupAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "awskeep-bench")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin, catfile, catfileHTTP = filepath.Join(dir, "awskeep"), filepath.Join(dir, "catfile"), filepath.Join(dir, "catfilehttp")
	for out, pkg := range map[string]string{bin: "..", catfile: "./catfile", catfileHTTP: "./catfilehttp"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			return 1
		}
	}
	binJWE = filepath.Join(dir, "awskeep-jwe")
	if err := buildAtRef(jweBaselineRef, filepath.Join(dir, "src-jwe"), binJWE); err != nil {
		fmt.Fprintf(os.Stderr, "building awskeep at %s: %v\n", jweBaselineRef, err)
		return 1
	}
	if *baseline != "" {
		binBase = filepath.Join(dir, "awskeep-base")
		if err := buildAtRef(*baseline, filepath.Join(dir, "src-base"), binBase); err != nil {
			fmt.Fprintf(os.Stderr, "building awskeep at %s: %v\n", *baseline, err)
			return 1
		}
	}
	var stop func()
	moto, stop, err = awstest.StartForMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	return m.Run()
}

// buildAtRef builds awskeep as it was at ref (from this repository's history).
func buildAtRef(ref, src, out string) error {
	if err := os.MkdirAll(src, 0o700); err != nil {
		return err
	}
	archive := exec.Command("sh", "-c", `git -C .. archive "$0" | tar -x -C "$1"`, ref, src)
	if b, err := archive.CombinedOutput(); err != nil {
		return fmt.Errorf("git archive: %v\n%s", err, b)
	}
	build := exec.Command("go", "build", "-o", out, ".")
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}

// home prepares a HOME with the admin key stored as profile "bench" on backend.
func home(b *testing.B, backend string) []string {
	b.Helper()
	return homeWith(b, bin, backend)
}

// homeWith is home with the key added by the awskeep binary addBin.
func homeWith(b *testing.B, addBin, backend string) []string {
	b.Helper()
	h := b.TempDir()
	env := []string{
		"HOME=" + h, "PATH=" + os.Getenv("PATH"), "AWSKEEP_BACKEND=" + backend,
		"AWS_CONFIG_FILE=" + filepath.Join(h, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(h, "credentials"),
	}
	env = append(env, moto.Env()...)
	switch backend {
	case "file":
		env = append(env, "AWSKEEP_FILE_DIR="+filepath.Join(h, "keys"), "AWSKEEP_FILE_PASSPHRASE=bench")
	case "secret-service":
		env = append(env, keyringtest.SecretService(b)...)
	case "pass":
		env = append(env, keyringtest.Pass(b)...)
	case "keyctl":
		env = append(env, keyringtest.Keyctl(b)...)
	}
	run(b, env, moto.Admin.AccessKeyID+"\n"+moto.Admin.SecretAccessKey+"\n", addBin, "add", "bench", "--no-verify")
	return env
}

// withoutPassphrase drops AWSKEEP_FILE_PASSPHRASE from env.
func withoutPassphrase(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWSKEEP_FILE_PASSPHRASE=") {
			out = append(out, kv)
		}
	}
	return out
}

// run runs argv to completion.
func run(b *testing.B, env []string, stdin string, argv ...string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

// peakRSS runs argv once under GNU time and returns its peak resident memory
// in KiB. (The rusage Go's os/exec reports would count the parent's memory,
// shared until exec.)
func peakRSS(b *testing.B, env []string, argv ...string) float64 {
	b.Helper()
	out := filepath.Join(b.TempDir(), "rss")
	run(b, env, "", append([]string{"/usr/bin/time", "-f", "%M", "-o", out}, argv...)...)
	raw, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	kib, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
	if err != nil {
		b.Fatalf("GNU time printed %q", raw)
	}
	return kib
}

// timeProcesses runs argv b.N times and reports the median wall time and
// the largest peak resident memory.
func timeProcesses(b *testing.B, env []string, argv ...string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		run(b, env, "", argv...)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(peakRSS(b, env, argv...)/1024, "peak-MiB")
}

func BenchmarkCredentialProcessWarm(b *testing.B) {
	for _, backend := range []string{"file", "secret-service"} {
		b.Run(backend, func(b *testing.B) {
			env := home(b, backend)
			run(b, env, "", bin, "credential-process", "bench") // warm the cache
			timeProcesses(b, env, bin, "credential-process", "bench")
		})
	}
	// The file keyring unlocked (`awskeep unlock`): no passphrase, no derivation.
	b.Run("file-unlocked", func(b *testing.B) {
		env := home(b, "file")
		run(b, env, "", bin, "unlock", "--for", "1h")
		b.Cleanup(func() { run(b, env, "", bin, "lock") })
		env = withoutPassphrase(env)
		run(b, env, "", bin, "credential-process", "bench")
		timeProcesses(b, env, bin, "credential-process", "bench")
	})
	// Today's format before v2: the JWE file keyring with the passphrase in
	// the environment, as awskeep at jweBaselineRef reads it.
	b.Run("file-jwe-before-v2", func(b *testing.B) {
		env := homeWith(b, binJWE, "file")
		run(b, env, "", binJWE, "credential-process", "bench")
		timeProcesses(b, env, binJWE, "credential-process", "bench")
	})
}

// BenchmarkFileUnlock is the cost of one `awskeep unlock` of a v2 file
// keyring: one Argon2id derivation (64 MiB, 3 passes, 4 lanes) and a kernel
// keyring write, in a whole process.
func BenchmarkFileUnlock(b *testing.B) {
	env := home(b, "file")
	b.Cleanup(func() { run(b, env, "", bin, "lock") })
	timeProcesses(b, env, bin, "unlock", "--for", "1h")
}

// BenchmarkList20 times `awskeep list` with 20 profiles, each with a stored
// key and a cached session, on every Linux backend.
func BenchmarkList20(b *testing.B) {
	for _, backend := range []string{"file", "secret-service", "pass", "keyctl"} {
		b.Run(backend, func(b *testing.B) {
			env := home(b, backend)
			for i := 1; i < 20; i++ {
				run(b, env, moto.Admin.AccessKeyID+"\n"+moto.Admin.SecretAccessKey+"\n", bin, "add", fmt.Sprintf("bench%02d", i), "--no-verify")
			}
			run(b, env, "", bin, "credential-process", "bench")
			timeProcesses(b, env, bin, "list")
		})
	}
}

func BenchmarkTrivialReadAndPrint(b *testing.B) {
	for name, prog := range map[string]*string{"plain": &catfile, "linked-with-net-http": &catfileHTTP} {
		b.Run(name, func(b *testing.B) {
			f := filepath.Join(b.TempDir(), "creds.json")
			if err := os.WriteFile(f, []byte(`{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"x","SessionToken":"y","Expiration":"2030-01-01T00:00:00Z"}`), 0o600); err != nil {
				b.Fatal(err)
			}
			timeProcesses(b, nil, *prog, f)
		})
	}
}

func BenchmarkExecTrue(b *testing.B) {
	env := home(b, "file")
	run(b, env, "", bin, "exec", "bench", "--", "true")
	timeProcesses(b, env, bin, "exec", "bench", "--", "true")
}

// BenchmarkVersion is awskeep's start-up floor: the process with no keyring,
// file or network work.
func BenchmarkVersion(b *testing.B) {
	timeProcesses(b, nil, bin, "version")
}

func BenchmarkTrue(b *testing.B) {
	t, err := exec.LookPath("true")
	if err != nil {
		b.Fatal(err)
	}
	timeProcesses(b, nil, t)
}

// writeManyProfiles writes a config of n role profiles on top of "bench"
// to path, as a large organisation's file looks.
func writeManyProfiles(b *testing.B, path string, n int) {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("[profile bench]\nregion = us-east-1\n\n")
	for i := range n {
		fmt.Fprintf(&sb, "# account %d\n[profile acct-%d]\nsource_profile = bench\nrole_arn = arn:aws:iam::%012d:role/admin\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n\n", i, i, i)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
}

// configEnv returns env with AWS_CONFIG_FILE set to path.
func configEnv(env []string, path string) []string {
	out := []string{"AWS_CONFIG_FILE=" + path}
	for _, e := range env {
		if !strings.HasPrefix(e, "AWS_CONFIG_FILE=") {
			out = append(out, e)
		}
	}
	return out
}

// cpuTime runs argv to completion and returns the CPU time (user + system)
// the process used: on a machine shared with other work, a steadier measure
// than wall time.
func cpuTime(b *testing.B, env []string, argv ...string) time.Duration {
	b.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func medianMS(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds()) / 1000
}

// BenchmarkManyProfiles times a warm credential-process and `profile show`
// in configs of 400 and 10,000 profiles and of 10 MB (60,000 profiles):
// reading the files must cost time in proportion to their size, and a
// 10,000-profile config at most twice what a 400-profile one costs, in a
// whole process. Each round runs every size once (and `awskeep version`,
// the start-up floor), so a load that comes and goes on the machine weighs
// on all of them alike; it reports the median CPU time (user + system) of
// each, and ratio-10k (10,000 profiles over 400). With -baseline REF the
// awskeep of commit REF runs in the same rounds (base-* metrics):
//
//	go test -run '^$' -bench ManyProfiles -benchtime 20x ./bench/ -baseline 22a3497
func BenchmarkManyProfiles(b *testing.B) {
	sizes := []struct {
		name string
		n    int
	}{{"400", 400}, {"10k", 10_000}, {"10MB", 60_000}}
	for _, command := range []string{"credential-process", "profile-show"} {
		b.Run(command, func(b *testing.B) {
			// The file keyring unlocked, as BenchmarkCredentialProcessWarm's
			// file-unlocked: with the passphrase in the environment every
			// call would pay an Argon2id derivation (about 0.5 s of CPU).
			env := home(b, "file")
			run(b, env, "", bin, "unlock", "--for", "1h")
			b.Cleanup(func() { run(b, env, "", bin, "lock") })
			env = withoutPassphrase(env)
			dir := b.TempDir()
			argv := []string{"credential-process", "bench"}
			if command == "profile-show" {
				argv = []string{"profile", "show", "acct-200"}
			}
			type series struct {
				metric string
				env    []string
				argv   []string
				times  []time.Duration
			}
			var all []*series
			bins := map[string]string{"": bin}
			if binBase != "" {
				bins["base-"] = binBase
			}
			for prefix, exe := range bins {
				all = append(all, &series{metric: prefix + "version-cpu-ms", env: env, argv: []string{exe, "version"}})
				for _, sz := range sizes {
					config := filepath.Join(dir, "config-"+sz.name)
					writeManyProfiles(b, config, sz.n)
					e := configEnv(env, config)
					run(b, e, "", exe, "credential-process", "bench") // warm the session cache
					all = append(all, &series{metric: prefix + sz.name + "-cpu-ms", env: e, argv: append([]string{exe}, argv...)})
				}
			}
			b.ResetTimer()
			for range b.N {
				for _, s := range all {
					s.times = append(s.times, cpuTime(b, s.env, s.argv...))
				}
			}
			b.StopTimer()
			got := map[string]float64{}
			for _, s := range all {
				got[s.metric] = medianMS(s.times)
				b.ReportMetric(got[s.metric], s.metric)
			}
			for prefix := range bins {
				b.ReportMetric(got[prefix+"10k-cpu-ms"]/got[prefix+"400-cpu-ms"], prefix+"ratio-10k")
			}
		})
	}
}
