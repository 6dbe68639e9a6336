package vault

import "os"

func osGetenv(name string) string { return os.Getenv(name) }

func userHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return home
}
