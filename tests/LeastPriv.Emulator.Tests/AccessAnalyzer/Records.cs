using System.Globalization;
using System.Text.Json;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

/// <summary>CloudTrail records in the delivered format, for the principals under test.</summary>
public static class Records
{
    public static string UserCall(string userArn, string eventSource, string eventName, DateTimeOffset time, string? errorCode = null, string category = "Management", string region = "us-east-1")
    {
        var identity = new Dictionary<string, object>
        {
            ["type"] = "IAMUser",
            ["principalId"] = "AIDAEXAMPLEUSERID01",
            ["arn"] = userArn,
            ["accountId"] = userArn.Split(':')[4],
            ["accessKeyId"] = "AKIAEXAMPLE",
            ["userName"] = userArn[(userArn.LastIndexOf('/') + 1)..],
        };
        return Record(identity, eventSource, eventName, time, errorCode, category, region);
    }

    public static string RoleSessionCall(string roleArn, string eventSource, string eventName, DateTimeOffset time, string region = "us-east-1")
    {
        var account = roleArn.Split(':')[4];
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var identity = new Dictionary<string, object>
        {
            ["type"] = "AssumedRole",
            ["principalId"] = "AROAEXAMPLEROLEID01:workload",
            ["arn"] = $"arn:aws:sts::{account}:assumed-role/{roleName}/workload",
            ["accountId"] = account,
            ["accessKeyId"] = "ASIAEXAMPLE",
            ["sessionContext"] = new Dictionary<string, object>
            {
                ["sessionIssuer"] = new Dictionary<string, object>
                {
                    ["type"] = "Role",
                    ["principalId"] = "AROAEXAMPLEROLEID01",
                    ["arn"] = roleArn,
                    ["accountId"] = account,
                    ["userName"] = roleName,
                },
                ["webIdFederationData"] = new Dictionary<string, object>(),
                ["attributes"] = new Dictionary<string, object> { ["creationDate"] = "2026-01-01T00:00:00Z", ["mfaAuthenticated"] = "false" },
            },
        };
        return Record(identity, eventSource, eventName, time, null, "Management", region);
    }

    private static string Record(Dictionary<string, object> identity, string eventSource, string eventName, DateTimeOffset time, string? errorCode, string category, string region)
    {
        var record = new Dictionary<string, object?>
        {
            ["eventVersion"] = "1.09",
            ["userIdentity"] = identity,
            ["eventTime"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["eventSource"] = eventSource,
            ["eventName"] = eventName,
            ["awsRegion"] = region,
            ["sourceIPAddress"] = "203.0.113.10",
            ["userAgent"] = "aws-cli/1.45.11",
            ["requestParameters"] = null,
            ["responseElements"] = null,
            ["requestID"] = Guid.NewGuid().ToString(),
            ["eventID"] = Guid.NewGuid().ToString(),
            ["readOnly"] = true,
            ["eventType"] = "AwsApiCall",
            ["managementEvent"] = category == "Management",
            ["recipientAccountId"] = identity["accountId"],
            ["eventCategory"] = category,
        };
        if (errorCode is not null)
        {
            record["errorCode"] = errorCode;
            record["errorMessage"] = "denied";
        }

        return JsonSerializer.Serialize(record);
    }
}
