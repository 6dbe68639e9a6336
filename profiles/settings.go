package profiles

import "strings"

// Region is the region setting of the chain: the profile asked for first,
// then each hop towards the source. Empty when no hop sets one. (The
// environment comes first; see ConfiguredRegion.)
func (c *Chain) Region() string {
	return c.first(func(h Hop) string { return h.Region })
}

// EndpointURL is the endpoint_url of the chain, in the order of Region.
func (c *Chain) EndpointURL() string {
	return c.first(func(h Hop) string { return h.EndpointURL })
}

func (c *Chain) first(get func(Hop) string) string {
	if c == nil {
		return ""
	}
	for i := len(c.Hops) - 1; i >= 0; i-- {
		if v := strings.TrimSpace(get(c.Hops[i])); v != "" {
			return v
		}
	}
	return ""
}

// ConfiguredRegion is the region the user chose, as the AWS CLI reads it:
// AWS_REGION, AWS_DEFAULT_REGION, then the chain's Region. Empty when none
// is set: a default region is not passed on to a child as if chosen.
func ConfiguredRegion(getenv func(string) string, c *Chain) string {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if getenv != nil {
			if v := strings.TrimSpace(getenv(k)); v != "" {
				return v
			}
		}
	}
	return c.Region()
}

// ChainOf is the one-hop chain of a profile on its own (add, rotate: the
// profile that holds the key).
func ChainOf(h Hop) *Chain { return &Chain{Hops: []Hop{h}} }
