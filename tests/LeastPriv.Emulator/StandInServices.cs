using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using LeastPriv.Emulator.Identity;
using LeastPriv.Emulator.Moto;

namespace LeastPriv.Emulator;

/// <summary>
/// What the stand-in offers the service emulators it routes to (IAM Access Analyzer): where moto
/// and the layer listen, the account, clients against moto for any credentials, the operator's
/// credentials for the layer's own reads, and the access-key directory. Calls made through these
/// go straight to moto and are never recorded as CloudTrail events.
/// </summary>
public sealed class StandInServices
{
    public StandInServices(Uri motoEndpoint, Uri layerEndpoint, string accountId, AWSCredentials operatorCredentials, MotoClient moto, AccessKeyDirectory keys, StandInOptions options, TimeProvider time)
    {
        MotoEndpoint = motoEndpoint;
        LayerEndpoint = layerEndpoint;
        AccountId = accountId;
        OperatorCredentials = operatorCredentials;
        Moto = moto;
        Keys = keys;
        Options = options;
        Time = time;
    }

    /// <summary>moto's base URL (internal calls, not recorded).</summary>
    public Uri MotoEndpoint { get; }

    /// <summary>The layer's own base URL (what clients are pointed at).</summary>
    public Uri LayerEndpoint { get; }

    /// <summary>The single account moto emulates.</summary>
    public string AccountId { get; }

    /// <summary>Credentials of the operator user (AdministratorAccess when IAM is enforced).</summary>
    public AWSCredentials OperatorCredentials { get; }

    /// <summary>Signed raw calls to moto for protocols without an official client here (IAM, CloudTrail).</summary>
    public MotoClient Moto { get; }

    /// <summary>Access key id → principal (userIdentity).</summary>
    public AccessKeyDirectory Keys { get; }

    /// <summary>The stand-in's knobs (e.g. <see cref="StandInOptions.AccessAnalyzerJobDuration"/>).</summary>
    public StandInOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>
    /// An official S3 client against moto (path style) signed with <paramref name="credentials"/>.
    /// Checksums are computed only where S3 requires them, so uploads are plain (not aws-chunked).
    /// </summary>
    public IAmazonS3 CreateS3Client(AWSCredentials credentials, string region = "us-east-1") =>
        new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = MotoEndpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>An official STS client against moto signed with <paramref name="credentials"/>.</summary>
    public IAmazonSecurityTokenService CreateStsClient(AWSCredentials credentials, string region = "us-east-1") =>
        new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = MotoEndpoint.ToString(),
            AuthenticationRegion = region,
        });
}
