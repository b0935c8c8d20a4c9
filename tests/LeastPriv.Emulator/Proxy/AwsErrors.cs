using System.Security;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace LeastPriv.Emulator.Proxy;

/// <summary>An error in a service's own wire shape (see aws-wire reference §3–§6).</summary>
public sealed record AwsError(int StatusCode, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>
    /// Builds <paramref name="code"/> for the protocol of <paramref name="call"/>: query XML
    /// ErrorResponse, JSON 1.1 <c>__type</c>, S3 XML Error, or REST-JSON with x-amzn-ErrorType.
    /// </summary>
    public static AwsError For(ApiCall call, int status, string code, string message, string requestId)
    {
        var headers = new List<KeyValuePair<string, string>> { new("x-amzn-RequestId", requestId) };
        switch (call.Protocol)
        {
            case WireProtocol.RestXml:
                headers.Add(new("x-amz-request-id", requestId));
                return new AwsError(status, "application/xml", Encoding.UTF8.GetBytes(
                    $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message><RequestId>{requestId}</RequestId><HostId>{requestId}</HostId></Error>"), headers);
            case WireProtocol.Json:
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["__type"] = code, ["message"] = message });
                return new AwsError(status, "application/x-amz-json-1.1", json, headers);
            }

            case WireProtocol.RestJson or WireProtocol.Unknown:
            {
                headers.Add(new("x-amzn-ErrorType", code));
                var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["message"] = message });
                return new AwsError(status, "application/json", json, headers);
            }

            default:
            {
                var ns = call.Service == "sts" ? "https://sts.amazonaws.com/doc/2011-06-15/" : $"https://{call.Service}.amazonaws.com/doc/2010-05-08/";
                var type = status >= 500 ? "Receiver" : "Sender";
                return new AwsError(status, "text/xml", Encoding.UTF8.GetBytes(
                    $"<ErrorResponse xmlns=\"{ns}\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>"), headers);
            }
        }
    }

    public ForwardedResponse ToResponse()
    {
        var headers = Headers.Select(h => new KeyValuePair<string, string[]>(h.Key, [h.Value])).ToList();
        headers.Add(new("Content-Type", [ContentType]));
        headers.Add(new("Content-Length", [Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        return new ForwardedResponse { StatusCode = StatusCode, Headers = headers, Body = Body };
    }

    /// <summary>
    /// Reads the error code and message out of a failed answer in any protocol (botocore's rule:
    /// for JSON drop everything before '#' and after ':'). HEAD answers carry no body, so the
    /// status code has to stand in.
    /// </summary>
    public static (string Code, string Message)? Parse(ForwardedResponse response, ApiCall call)
    {
        if (response.StatusCode < 400)
        {
            return null;
        }

        string? code = null, message = null;
        var text = Encoding.UTF8.GetString(response.Body).Trim();
        if (text.StartsWith('<'))
        {
            try
            {
                var doc = XElement.Parse(text);
                var error = doc.Name.LocalName == "Error" ? doc : doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            }
            catch (System.Xml.XmlException)
            {
                // moto answers unhandled failures with an HTML page.
            }
        }
        else if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Name is "__type" or "code" or "Code" && p.Value.ValueKind == JsonValueKind.String)
                    {
                        code ??= p.Value.GetString();
                    }
                    else if (p.Name is "message" or "Message" && p.Value.ValueKind == JsonValueKind.String)
                    {
                        message ??= p.Value.GetString();
                    }
                }
            }
            catch (JsonException)
            {
            }
        }

        code ??= response.Header("x-amzn-ErrorType");
        if (code is not null)
        {
            var hash = code.LastIndexOf('#');
            if (hash >= 0)
            {
                code = code[(hash + 1)..];
            }

            var colon = code.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                code = code[..colon];
            }
        }

        code ??= response.StatusCode switch
        {
            403 => "AccessDenied",
            404 when call.Service == "s3" => call.Key is null ? "NoSuchBucket" : "NoSuchKey",
            404 => "NotFound",
            >= 500 => "InternalError",
            _ => "BadRequest",
        };
        return (code, message ?? string.Empty);
    }
}
