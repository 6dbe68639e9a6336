package profiles

import "testing"

func TestConfiguredRegion(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	chain := &Chain{Hops: []Hop{{Profile: "base"}}}
	if r := ConfiguredRegion(getenv, chain); r != "" {
		t.Errorf("nothing configured gave %q; STS's fallback must not reach the child", r)
	}
	chain.Hops[0].Region = "eu-west-1"
	if r := ConfiguredRegion(getenv, chain); r != "eu-west-1" {
		t.Errorf("profile region gave %q", r)
	}
	env["AWS_DEFAULT_REGION"] = "ap-south-1"
	if r := ConfiguredRegion(getenv, chain); r != "ap-south-1" {
		t.Errorf("env over profile gave %q", r)
	}
	env["AWS_REGION"] = "us-east-2"
	if r := ConfiguredRegion(getenv, chain); r != "us-east-2" {
		t.Errorf("AWS_REGION first gave %q", r)
	}
}

// The profile asked for first, then each hop towards the source, for region
// and endpoint_url separately.
func TestChainSettingsNearestTheTargetFirst(t *testing.T) {
	chain := &Chain{Hops: []Hop{
		{Profile: "base", Region: "us-west-2", EndpointURL: "http://127.0.0.1:5000"},
		{Profile: "mid", Region: "ap-south-1"},
		{Profile: "top"},
	}}
	if r, e := chain.Region(), chain.EndpointURL(); r != "ap-south-1" || e != "http://127.0.0.1:5000" {
		t.Errorf("Region, EndpointURL = %q, %q", r, e)
	}
	chain.Hops[2].Region = "eu-west-1"
	if r := chain.Region(); r != "eu-west-1" {
		t.Errorf("target's own region lost to %q", r)
	}
	if r, e := (&Chain{}).Region(), (*Chain)(nil).EndpointURL(); r != "" || e != "" {
		t.Errorf("no hops gave %q, %q", r, e)
	}
}
