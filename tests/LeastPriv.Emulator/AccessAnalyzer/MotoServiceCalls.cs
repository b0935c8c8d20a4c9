using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.SecurityToken;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>A call moto answered with an error.</summary>
public sealed class MotoCallException(string code, int statusCode, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The two calls the service makes to moto for which no official client is obtainable here:
/// IAM GetRole (query protocol) and CloudTrail GetTrail (JSON 1.1). Requests are signed by
/// AWSSDK.Core's own SigV4 signer.
/// </summary>
public sealed class MotoServiceCalls(HttpClient http, Uri motoUrl)
{
    /// <summary>The role's trust policy document (URL-decoded JSON).</summary>
    public async Task<string> GetRoleTrustPolicyAsync(ImmutableCredentials credentials, string roleName, CancellationToken cancellationToken)
    {
        var body = "Action=GetRole&Version=2010-05-08&RoleName=" + Uri.EscapeDataString(roleName);
        var text = await SendAsync(credentials, "iam", "us-east-1", "application/x-www-form-urlencoded; charset=utf-8", body, null, isJson: false, cancellationToken).ConfigureAwait(false);
        var document = XDocument.Parse(text);
        var policy = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "AssumeRolePolicyDocument")?.Value
            ?? throw new MotoCallException("MalformedResponse", 200, "GetRole returned no AssumeRolePolicyDocument.");
        return Uri.UnescapeDataString(policy);
    }

    /// <summary>The trail's S3 bucket and key prefix (GetTrail).</summary>
    public async Task<(string Bucket, string? Prefix)> GetTrailAsync(ImmutableCredentials credentials, string trailArn, CancellationToken cancellationToken)
    {
        var region = trailArn.Split(':')[3];
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["Name"] = trailArn });
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail" };
        var text = await SendAsync(credentials, "cloudtrail", region, "application/x-amz-json-1.1", body, headers, isJson: true, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(text);
        var trail = document.RootElement.GetProperty("Trail");
        var bucket = trail.TryGetProperty("S3BucketName", out var b) ? b.GetString() : null;
        var prefix = trail.TryGetProperty("S3KeyPrefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return (bucket ?? throw new MotoCallException("MalformedResponse", 200, "GetTrail returned no S3BucketName."), prefix);
    }

    private async Task<string> SendAsync(
        ImmutableCredentials credentials,
        string service,
        string region,
        string contentType,
        string body,
        IDictionary<string, string>? extraHeaders,
        bool isJson,
        CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(body);
        var request = new DefaultRequest(new UnsignedPayload(), service)
        {
            HttpMethod = "POST",
            Endpoint = motoUrl,
            ResourcePath = "/",
            Content = payload,
            AuthenticationRegion = region,
            OverrideSigningServiceName = service,
        };
        request.Headers["Content-Type"] = contentType;
        if (extraHeaders is not null)
        {
            foreach (var (name, value) in extraHeaders)
            {
                request.Headers[name] = value;
            }
        }

        if (credentials.UseToken)
        {
            request.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var config = new AmazonSecurityTokenServiceConfig { ServiceURL = motoUrl.ToString(), AuthenticationRegion = region };
        var signature = new AWS4Signer().SignRequest(request, config, null, credentials.AccessKey, credentials.SecretKey);
        request.Headers["Authorization"] = signature.ForAuthorizationHeader;

        using var message = new HttpRequestMessage(HttpMethod.Post, motoUrl) { Content = new ByteArrayContent(payload) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in request.Headers)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }

        throw isJson ? JsonError((int)response.StatusCode, text) : XmlError((int)response.StatusCode, text);
    }

    private static MotoCallException JsonError(int status, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var type = document.RootElement.TryGetProperty("__type", out var t) ? t.GetString() ?? "Unknown" : "Unknown";
            var message = document.RootElement.TryGetProperty("message", out var m) ? m.GetString()
                : document.RootElement.TryGetProperty("Message", out var m2) ? m2.GetString() : null;
            return new MotoCallException(type[(type.LastIndexOf('#') + 1)..], status, message ?? text);
        }
        catch (JsonException)
        {
            return new MotoCallException("Unknown", status, text);
        }
    }

    private static MotoCallException XmlError(int status, string text)
    {
        try
        {
            var document = XDocument.Parse(text);
            var code = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "Unknown";
            var message = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? text;
            return new MotoCallException(code, status, message);
        }
        catch (System.Xml.XmlException)
        {
            return new MotoCallException("Unknown", status, text);
        }
    }

    // The SDK's request wrapper needs an originating request object; nothing is read from it.
    private sealed class UnsignedPayload : AmazonWebServiceRequest;
}
