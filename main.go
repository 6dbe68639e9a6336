package main

import (
	"os"

	"github.com/awskeep/awskeep/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}
