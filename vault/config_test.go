package vault

import (
	"path/filepath"
	"testing"
)

// TestConfigFromEnvExpandsHome: a leading ~ in AWSKEEP_FILE_DIR,
// AWSKEEP_PASS_DIR and AWSKEEP_LOCK_DIR means home, as in AWS_CONFIG_FILE
// (a shell leaves ~ alone in VAR=~/x inside quotes, and so do .env files).
func TestConfigFromEnvExpandsHome(t *testing.T) {
	home := t.TempDir()
	cfg := ConfigFromEnv(envFrom("AWSKEEP_FILE_DIR=~/keys", "AWSKEEP_PASS_DIR=~/pass", "AWSKEEP_LOCK_DIR=~"), home)
	for _, c := range []struct{ name, got, want string }{
		{"FileDir", cfg.FileDir, filepath.Join(home, "keys")},
		{"PassDir", cfg.PassDir, filepath.Join(home, "pass")},
		{"LockDir", cfg.LockDir, home},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// ~user is not expanded (no portable lookup), and absolute paths stay.
	cfg = ConfigFromEnv(envFrom("AWSKEEP_FILE_DIR=~other/keys", "AWSKEEP_PASS_DIR=/srv/pass"), home)
	if cfg.FileDir != "~other/keys" || cfg.PassDir != "/srv/pass" {
		t.Errorf("FileDir, PassDir = %q, %q; want them as given", cfg.FileDir, cfg.PassDir)
	}
}
