using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using LeastPriv.Emulator.Moto;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// What the emulated Access Analyzer needs from the rest of the stand-in: who a caller is and
/// clients against moto. <see cref="StandInServices"/> provides it; a test can host the service
/// on its own with another implementation.
/// </summary>
public interface IAnalyzerStandIn
{
    /// <summary>Signed raw calls to moto (IAM GetRole, CloudTrail GetTrail).</summary>
    MotoClient Moto { get; }

    /// <summary>
    /// Credentials the service uses for its own calls to moto (reading the access role's trust
    /// policy, assuming the access role). In AWS these calls are made by the service principal
    /// access-analyzer.amazonaws.com, which moto cannot represent.
    /// </summary>
    AWSCredentials ServiceCredentials { get; }

    /// <summary>The ARN of the principal owning <paramref name="accessKeyId"/>, or null when the key is unknown.</summary>
    Task<string?> ResolveCallerArnAsync(string accessKeyId, CancellationToken cancellationToken);

    /// <summary>An official S3 client against moto (path style) with the given credentials.</summary>
    IAmazonS3 CreateS3Client(AWSCredentials credentials, string region);

    /// <summary>An official STS client against moto with the given credentials.</summary>
    IAmazonSecurityTokenService CreateStsClient(AWSCredentials credentials, string region);
}

/// <summary>The stand-in layer's services seen through <see cref="IAnalyzerStandIn"/>.</summary>
internal sealed class StandInServicesAnalyzerView(StandInServices services) : IAnalyzerStandIn
{
    public MotoClient Moto => services.Moto;

    public AWSCredentials ServiceCredentials => services.OperatorCredentials;

    public async Task<string?> ResolveCallerArnAsync(string accessKeyId, CancellationToken cancellationToken) =>
        (await services.Keys.ResolveAsync(accessKeyId, cancellationToken).ConfigureAwait(false))?.Arn;

    public IAmazonS3 CreateS3Client(AWSCredentials credentials, string region) => services.CreateS3Client(credentials, region);

    public IAmazonSecurityTokenService CreateStsClient(AWSCredentials credentials, string region) => services.CreateStsClient(credentials, region);
}
