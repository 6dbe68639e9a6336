package sts

import "context"

// AccessKeys lists userName's access keys with their status and, where the
// key may ask, their last use (for doctor). An empty userName lists the
// caller's own keys.
func AccessKeys(ctx context.Context, cfg ClientConfig, key StaticKey, userName string) ([]AccessKeyUse, error) {
	keys, err := listAccessKeys(ctx, cfg, key, userName)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if err := accessKeyLastUsed(ctx, cfg, key, &keys[i]); err != nil {
			// Last use is extra information: without permission the
			// status alone still answers whether the key is active.
			break
		}
	}
	return keys, nil
}
