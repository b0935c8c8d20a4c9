using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// What the emulated Access Analyzer needs from the rest of the stand-in: where moto is, who a
/// caller is, and clients against moto. Kept this small on purpose so the service can be hosted
/// by the stand-in layer or by a test on its own.
/// </summary>
public interface IAnalyzerStandIn
{
    /// <summary>Base URL of moto (IAM, STS, S3 and CloudTrail live there).</summary>
    Uri MotoUrl { get; }

    /// <summary>The ARN of the principal owning <paramref name="accessKeyId"/>, or null when the key is unknown.</summary>
    string? ResolveCallerArn(string accessKeyId);

    /// <summary>
    /// Credentials the service uses for its own calls to moto (reading the access role's trust
    /// policy, assuming the access role). In AWS these calls are made by the service principal
    /// access-analyzer.amazonaws.com, which moto cannot represent.
    /// </summary>
    AWSCredentials ServiceCredentials { get; }

    /// <summary>An official S3 client against moto (path style) with the given credentials.</summary>
    IAmazonS3 CreateS3Client(AWSCredentials credentials, string region);

    /// <summary>An official STS client against moto with the given credentials.</summary>
    IAmazonSecurityTokenService CreateStsClient(AWSCredentials credentials, string region);
}
