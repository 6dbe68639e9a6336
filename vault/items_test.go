package vault

import (
	"errors"
	"slices"
	"testing"
)

func TestItems(t *testing.T) {
	for _, bc := range backendConfigs {
		t.Run(bc.name, func(t *testing.T) {
			s := openStore(t, bc.setup(t))
			if _, err := s.Item("sso-registration", "x"); !errors.As(err, new(*NotFoundError)) {
				t.Fatalf("missing item: %v", err)
			}
			for _, name := range []string{"a", "https://d-1.awsapps.com/start#x"} {
				if err := s.PutItem("sso-registration", name, Secret(`{"clientSecret":"s-`+name+`"}`)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.PutItem("sso-registration", "a", "second"); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Item("sso-registration", "a"); err != nil || got.Reveal() != "second" {
				t.Errorf("Item = %q, %v", got.Reveal(), err)
			}
			names, err := s.ItemNames("sso-registration")
			slices.Sort(names)
			if err != nil || !slices.Equal(names, []string{"a", "https://d-1.awsapps.com/start#x"}) {
				t.Errorf("ItemNames = %q, %v", names, err)
			}
			// Items are neither keys nor sessions.
			if p, _ := s.KeyProfiles(); len(p) != 0 {
				t.Errorf("items listed as keys: %v", p)
			}
			if ss, _ := s.Sessions(); len(ss) != 0 {
				t.Errorf("items listed as sessions: %v", ss)
			}
			if err := s.DeleteItem("sso-registration", "a"); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteItem("sso-registration", "a"); err != nil {
				t.Errorf("deleting twice: %v", err)
			}
			if _, err := s.Item("sso-registration", "a"); !errors.As(err, new(*NotFoundError)) {
				t.Errorf("after delete: %v", err)
			}
		})
	}
}
