# Loaded by the moto_server the LeastPriv stand-in starts (PYTHONPATH points at a copy of this file).
#
# moto verifies SigV4 (INITIAL_NO_AUTH_ACTION_COUNT) by re-signing the URL werkzeug reports as
# Request.url. werkzeug builds that URL as an IRI and so decodes percent-escapes in the query
# ("delimiter=%2F" becomes "delimiter=/"), while every AWS client signs the query exactly as sent.
# Without this, an S3 listing with a '/' prefix or delimiter fails with SignatureDoesNotMatch.
# The fix keeps the query of Request.url as received; everything else is unchanged.
try:
    import werkzeug.sansio.request as _request
    from werkzeug.sansio.utils import get_current_url as _get_current_url
    from urllib.parse import quote as _quote

    def _url(self):
        base = _get_current_url(self.scheme, self.host, self.root_path, self.path)
        if not self.query_string:
            return base
        return base + "?" + _quote(self.query_string, safe="!$&'()*+,/:;=?@%")

    _request.Request.url = property(_url)
except Exception:  # an unexpected werkzeug: leave moto as it is
    pass

# The stand-in's owner may ask moto to outlive a terminal's Ctrl+C (StandInOptions.IgnoreInterrupt):
# it stops moto itself, after whatever still needs it.
import os as _os
if _os.environ.get("LEASTPRIV_MOTO_IGNORE_SIGINT") == "1":
    import signal as _signal
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
