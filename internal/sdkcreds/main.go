// Command sdkcreds is a test oracle: it loads credentials the way every Go
// program using the AWS SDK does (config.LoadDefaultConfig, so
// ~/.aws/config, AWS_PROFILE and the SSO token cache), asks STS who they
// belong to, and prints {"AccessKeyId": ..., "Arn": ...}. The end-to-end
// tests run it to show that what awskeep writes serves the SDK too. It is
// never part of the awskeep binary.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fail(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fail(err)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]string{"AccessKeyId": creds.AccessKeyID, "Arn": aws.ToString(out.Arn), "Source": creds.Source})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sdkcreds:", err)
	os.Exit(1)
}
