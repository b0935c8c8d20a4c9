using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace LeastPriv.Core.Aws;

/// <summary>Reads the error code, message and request id out of each protocol's error answer (aws-wire.md §3–5).</summary>
internal static class AwsErrorReader
{
    /// <summary>Query (IAM, STS): <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.</summary>
    public static AwsErrorInfo Query(AwsWireResponse response)
    {
        try
        {
            if (response.Body.Length > 0)
            {
                var doc = XDocument.Parse(Encoding.UTF8.GetString(response.Body));
                var error = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
                var requestId = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
                if (!string.IsNullOrEmpty(code))
                {
                    return new AwsErrorInfo(code!, message ?? string.Empty, requestId);
                }
            }
        }
        catch (System.Xml.XmlException)
        {
            // Not XML (a proxy's HTML page, an empty 5xx): fall through to the status.
        }

        return FromStatus(response);
    }

    /// <summary>
    /// JSON 1.1 (CloudTrail): <c>{"__type":"ns#Code","message":…}</c>; botocore keeps the part
    /// after <c>#</c> and before <c>:</c>.
    /// </summary>
    public static AwsErrorInfo Json(AwsWireResponse response)
    {
        var (type, message) = ReadJsonError(response.Body);
        var code = CleanCode(type) ?? CleanCode(response.Header("x-amzn-ErrorType"));
        return code is null ? FromStatus(response, message) : new AwsErrorInfo(code, message ?? string.Empty, response.Header("x-amzn-RequestId"));
    }

    /// <summary>REST-JSON (Access Analyzer): the <c>x-amzn-ErrorType</c> header first, then the body.</summary>
    public static AwsErrorInfo RestJson(AwsWireResponse response)
    {
        var (type, message) = ReadJsonError(response.Body);
        var code = CleanCode(response.Header("x-amzn-ErrorType")) ?? CleanCode(type);
        return code is null ? FromStatus(response, message) : new AwsErrorInfo(code, message ?? string.Empty, response.Header("x-amzn-RequestId"));
    }

    internal static string? CleanCode(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var code = raw!;
        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code.Substring(hash + 1);
        }

        var colon = code.IndexOf(':');
        if (colon >= 0)
        {
            code = code.Substring(0, colon);
        }

        code = code.Trim();
        return code.Length == 0 ? null : code;
    }

    private static (string? Type, string? Message) ReadJsonError(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? type = null;
            string? message = null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                if (p.NameEquals("__type") || (type is null && p.NameEquals("code")))
                {
                    type = p.Value.GetString();
                }
                else if (string.Equals(p.Name, "message", StringComparison.OrdinalIgnoreCase))
                {
                    message = p.Value.GetString();
                }
            }

            return (type, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static AwsErrorInfo FromStatus(AwsWireResponse response, string? message = null)
    {
        var status = (int)response.Status;
        var code = status switch
        {
            400 => "BadRequest",
            403 => "AccessDenied",
            404 => "NotFound",
            429 => "TooManyRequests",
            500 => "InternalFailure",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => "Http" + status,
        };
        var text = message ?? (response.Body.Length > 0 ? Truncate(Encoding.UTF8.GetString(response.Body)) : $"HTTP {status} with no error body");
        return new AwsErrorInfo(code, text, response.Header("x-amzn-RequestId"));
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s.Substring(0, 300) + "…";
}
