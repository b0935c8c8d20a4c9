using LeastPriv.Core.CloudTrail;

namespace LeastPriv.Core.Tests.Generation;

/// <summary>CloudTrail records shaped like the documented record contents, for narrow generator tests.</summary>
internal static class TestRecords
{
    public const string Account = "111122223333";

    private static int _sequence;

    public static UserIdentity User(string name = "app") => new()
    {
        Type = "IAMUser",
        PrincipalId = "AIDAEXAMPLE" + name.ToUpperInvariant(),
        Arn = $"arn:aws:iam::{Account}:user/{name}",
        AccountId = Account,
        AccessKeyId = "AKIAEXAMPLE",
        UserName = name,
    };

    public static UserIdentity RoleSession(string role, string session, string path = "/") => new()
    {
        Type = "AssumedRole",
        PrincipalId = "AROAEXAMPLE:" + session,
        Arn = $"arn:aws:sts::{Account}:assumed-role/{role}/{session}",
        AccountId = Account,
        SessionIssuer = new SessionIssuer { Type = "Role", Arn = $"arn:aws:iam::{Account}:role{path}{role}", AccountId = Account, UserName = role },
    };

    public static UserIdentity ViaService(string service, string name = "app")
    {
        var identity = User(name);
        identity.AccessKeyId = null;
        identity.InvokedBy = service;
        return identity;
    }

    public static CloudTrailRecord Call(
        string source,
        string name,
        string? request = null,
        string region = "eu-west-1",
        UserIdentity? identity = null,
        string? response = null,
        bool? readOnly = null,
        string? errorCode = null,
        string? errorMessage = null,
        string eventType = "AwsApiCall",
        string category = "Management",
        DateTimeOffset? time = null,
        params (string Type, string Arn)[] resources) => new()
        {
            EventVersion = "1.11",
            EventTime = time ?? new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddSeconds(Interlocked.Increment(ref _sequence) % 3600),
            EventSource = source,
            EventName = name,
            AwsRegion = region,
            SourceIpAddress = "203.0.113.10",
            UserAgent = "aws-cli/2.22.4",
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            ReadOnly = readOnly,
            EventType = eventType,
            EventCategory = category,
            ManagementEvent = category == "Management",
            EventId = Guid.NewGuid().ToString(),
            RecipientAccountId = Account,
            Identity = identity ?? User(),
            Resources = resources.Select(r => new CloudTrailResource(r.Arn, Account, r.Type)).ToArray(),
            RequestParametersJson = request,
            ResponseElementsJson = response,
        };
}
