package awstest

// launcherPy starts moto's server after one fix (getmoto/moto#7641): moto
// 5.2.1 serializes its authentication errors as
// <ErrorResponse><Errors><Error>..., which the Go SDK's awsquery decoder
// reads as "UnknownError". Real AWS sends <ErrorResponse><Error>...
// <RequestId>; the launcher rewrites only those three error classes.
// It is run with `python3 -c launcherPy <moto_server args>`.
const launcherPy = `
import sys, uuid
from xml.sax.saxutils import escape
from moto.core import exceptions as exc

def _aws_shape(cls):
    original = cls.__init__
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.description = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>'
            '<RequestId>%s</RequestId></ErrorResponse>'
        ) % (escape(self.error_type), escape(self.message), uuid.uuid4())
    cls.__init__ = init

for _cls in (exc.InvalidClientTokenIdError, exc.SignatureDoesNotMatchError, exc.AccessDeniedError):
    _aws_shape(_cls)

from moto.server import main
main(sys.argv[1:])
`
