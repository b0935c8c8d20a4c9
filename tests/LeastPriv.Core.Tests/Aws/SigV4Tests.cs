using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>
/// AWSSDK.Core's signer against the published SigV4 vectors (aws-wire.md §8), and the way the
/// transport calls it: the signature on a built request equals the one computed from an
/// independent canonical request (rules of https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class SigV4Tests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTime SigningTime = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "service",
        "host;x-amz-date",
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData(
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\nb02641039b327abd5a57fab274a38ec37f3e2b52c2f46579444d5fc1f610a5b2",
        "iam",
        "content-type;host;x-amz-date",
        "114c1892f21e7f33caaf7a4972522831ac5c7f6bd54dd0687c88f3f0f0a007bf",
        "6c4680e1b2625d89ad583022feabb8f3e8ff96043b0e8a527d9e54c823078a54")]
    public void ComputeSignature_PublishedVector_MatchesExpectedSignature(string canonicalRequest, string service, string signedHeaders, string canonicalHash, string signature)
    {
        Assert.Equal(canonicalHash, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var result = AWS4Signer.ComputeSignature(AccessKey, SecretKey, "us-east-1", SigningTime, service, signedHeaders, canonicalRequest);

        Assert.Equal(signature, result.Signature);
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}",
            result.ForAuthorizationHeader);
    }

    [Fact]
    public void IamVectorBody_PayloadHash_MatchesVector()
        => Assert.Equal("b02641039b327abd5a57fab274a38ec37f3e2b52c2f46579444d5fc1f610a5b2", Hex(SHA256.HashData(Encoding.UTF8.GetBytes("Action=GetUser&Version=2010-05-08&UserName=alice"))));

    [Fact]
    public async Task IamRequest_PublicEndpoint_SignedForUsEast1WithIndependentlyVerifiableSignature()
    {
        using var env = new EnvironmentScope();
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = AccessKey, SecretKey = SecretKey, Region = "eu-west-1" });
        var transport = new AwsTransport(ctx, AwsService.Iam, resp => default);
        var request = new AwsWireRequest("POST")
        {
            Body = Encoding.UTF8.GetBytes("Action=GetUser&Version=2010-05-08&UserName=alice"),
            ContentType = "application/x-www-form-urlencoded; charset=utf-8",
        };

        using var message = await transport.BuildSignedMessageAsync(request, CancellationToken.None, SigningTime);

        Assert.Equal("https://iam.amazonaws.com/", message.RequestUri!.ToString());
        var auth = message.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request", auth);
        Assert.Equal(ExpectedAuthorization(message, "/", "us-east-1", "iam"), auth);
    }

    [Fact]
    public async Task AccessAnalyzerPath_ReservedCharacters_EncodedOnceInUrlTwiceInSignature()
    {
        using var env = new EnvironmentScope();
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = AccessKey, SecretKey = SecretKey, SessionToken = "token/with+chars", Region = "eu-west-1" });
        var transport = new AwsTransport(ctx, AwsService.AccessAnalyzer, resp => default);
        var request = new AwsWireRequest("GET", "/policy/generation/{jobId}");
        request.PathParameters["jobId"] = "a:b c";
        request.Query.Add(new("includeResourcePlaceholders", "true"));

        using var message = await transport.BuildSignedMessageAsync(request, CancellationToken.None, SigningTime);

        Assert.Equal("/policy/generation/a%3Ab%20c", message.RequestUri!.AbsolutePath);
        Assert.Equal("?includeResourcePlaceholders=true", message.RequestUri.Query);
        Assert.Equal("access-analyzer.eu-west-1.amazonaws.com", message.Headers.Host);
        Assert.Equal("token/with+chars", message.Headers.GetValues("X-Amz-Security-Token").Single());
        // Non-S3 services sign the path encoded a second time (aws-wire.md §8).
        Assert.Equal(ExpectedAuthorization(message, "/policy/generation/a%253Ab%2520c", "eu-west-1", "access-analyzer"), message.Headers.GetValues("Authorization").Single());
    }

    /// <summary>Builds the canonical request from the message with the §8 rules and signs it.</summary>
    private static string ExpectedAuthorization(HttpRequestMessage message, string canonicalUri, string region, string service)
    {
        var auth = message.Headers.GetValues("Authorization").Single();
        var signedHeaders = auth.Split("SignedHeaders=")[1].Split(',')[0];
        Assert.Contains("host", signedHeaders.Split(';'));
        Assert.Contains("x-amz-date", signedHeaders.Split(';'));

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            string value = name switch
            {
                "host" => message.Headers.Host!,
                "content-type" => message.Content!.Headers.GetValues("Content-Type").Single(),
                _ => message.Headers.GetValues(name).Single(),
            };
            canonicalHeaders.Append(name).Append(':').Append(string.Join(" ", value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        var body = message.Content is null ? Array.Empty<byte>() : message.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var query = message.RequestUri!.Query.TrimStart('?');
        var canonicalQuery = string.Join("&", query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Contains('=') ? p : p + "=").OrderBy(p => p, StringComparer.Ordinal));
        var canonical = string.Join("\n", message.Method.Method, canonicalUri, canonicalQuery, canonicalHeaders.ToString(), signedHeaders, Hex(SHA256.HashData(body)));
        var date = message.Headers.GetValues("X-Amz-Date").Single();
        var at = DateTime.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return AWS4Signer.ComputeSignature(AccessKey, SecretKey, region, at, service, signedHeaders, canonical).ForAuthorizationHeader;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
