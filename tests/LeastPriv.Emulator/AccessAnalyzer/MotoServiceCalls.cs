using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using LeastPriv.Emulator.Moto;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>A call moto answered with an error.</summary>
public sealed class MotoCallException(string code, int statusCode, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The two calls the service makes to moto for which no official client is obtainable here:
/// IAM GetRole (query protocol) and CloudTrail GetTrail (JSON 1.1), with moto's error codes kept.
/// </summary>
public sealed class MotoServiceCalls(MotoClient moto)
{
    /// <summary>The role's trust policy document (URL-decoded JSON).</summary>
    public async Task<string> GetRoleTrustPolicyAsync(AWSCredentials credentials, string roleName, CancellationToken cancellationToken)
    {
        var response = await moto.QueryAsync("iam", "us-east-1", "GetRole", "2010-05-08", [new("RoleName", roleName)], credentials, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw XmlError(response);
        }

        var policy = XDocument.Parse(response.Text).Descendants().FirstOrDefault(e => e.Name.LocalName == "AssumeRolePolicyDocument")?.Value
            ?? throw new MotoCallException("MalformedResponse", response.StatusCode, "GetRole returned no AssumeRolePolicyDocument.");
        return Uri.UnescapeDataString(policy);
    }

    /// <summary>
    /// Role credentials from moto's AssumeRoleWithWebIdentity, signed with the service's credentials.
    /// moto authorises it against the signer's policies only and does not read the role's trust
    /// policy, which the caller must have checked.
    /// </summary>
    public async Task<AWSCredentials> AssumeRoleWithoutTrustCheckAsync(AWSCredentials signer, string roleArn, string sessionName, CancellationToken cancellationToken)
    {
        var response = await moto.QueryAsync(
            "sts", "us-east-1", "AssumeRoleWithWebIdentity", "2011-06-15",
            [new("RoleArn", roleArn), new("RoleSessionName", sessionName), new("WebIdentityToken", "access-analyzer.amazonaws.com"), new("DurationSeconds", "3600")],
            signer, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw XmlError(response);
        }

        var credentials = XDocument.Parse(response.Text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Credentials")
            ?? throw new MotoCallException("MalformedResponse", response.StatusCode, "AssumeRoleWithWebIdentity returned no Credentials.");
        string Value(string name) => credentials.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value
            ?? throw new MotoCallException("MalformedResponse", response.StatusCode, "AssumeRoleWithWebIdentity returned no " + name + ".");
        return new SessionAWSCredentials(Value("AccessKeyId"), Value("SecretAccessKey"), Value("SessionToken"));
    }

    /// <summary>The trail's S3 bucket and key prefix (GetTrail).</summary>
    public async Task<(string Bucket, string? Prefix)> GetTrailAsync(AWSCredentials credentials, string trailArn, CancellationToken cancellationToken)
    {
        var region = trailArn.Split(':')[3];
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["Name"] = trailArn });
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail" };

        // AWSSDK.Core's signer does not add the session token (the SDK pipeline does), so a role
        // session's token is sent, and signed, explicitly.
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        if (immutable.UseToken)
        {
            headers["X-Amz-Security-Token"] = immutable.Token;
        }

        var response = await moto.SendAsync("cloudtrail", region, "POST", "/", "application/x-amz-json-1.1", System.Text.Encoding.UTF8.GetBytes(body), headers, credentials, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw JsonError(response);
        }

        using var document = JsonDocument.Parse(response.Body);
        var trail = document.RootElement.GetProperty("Trail");
        var bucket = trail.TryGetProperty("S3BucketName", out var b) ? b.GetString() : null;
        var prefix = trail.TryGetProperty("S3KeyPrefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return (bucket ?? throw new MotoCallException("MalformedResponse", response.StatusCode, "GetTrail returned no S3BucketName."), prefix);
    }

    private static MotoCallException JsonError(MotoResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var type = document.RootElement.TryGetProperty("__type", out var t) ? t.GetString() ?? "Unknown" : "Unknown";
            var message = document.RootElement.TryGetProperty("message", out var m) ? m.GetString()
                : document.RootElement.TryGetProperty("Message", out var m2) ? m2.GetString() : null;
            return new MotoCallException(type[(type.LastIndexOf('#') + 1)..], response.StatusCode, message ?? response.Text);
        }
        catch (JsonException)
        {
            return new MotoCallException("Unknown", response.StatusCode, response.Text);
        }
    }

    private static MotoCallException XmlError(MotoResponse response)
    {
        try
        {
            var document = XDocument.Parse(response.Text);
            var code = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "Unknown";
            var message = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? response.Text;
            return new MotoCallException(code, response.StatusCode, message);
        }
        catch (System.Xml.XmlException)
        {
            return new MotoCallException("Unknown", response.StatusCode, response.Text);
        }
    }
}
