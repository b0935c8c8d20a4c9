using System.Globalization;
using System.Text.Json;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>A validated StartPolicyGeneration request.</summary>
public sealed record StartGenerationRequest(
    string PrincipalArn,
    IReadOnlyList<TrailSelection> Trails,
    string AccessRole,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    string? ClientToken);

public sealed partial class AccessAnalyzerEmulator
{
    /// <summary>
    /// Validates a StartPolicyGeneration body; every problem is a ValidationException naming the
    /// field (reason fieldValidationFailed, fieldList).
    /// </summary>
    public static StartGenerationRequest ParseStartRequest(JsonElement body, DateTimeOffset now, TimeSpan maxRange)
    {
        const string principalField = "policyGenerationDetails.principalArn";
        if (!body.TryGetProperty("policyGenerationDetails", out var details) || details.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("policyGenerationDetails", "is required");
        }

        var principalArn = String(details, "principalArn") ?? throw Invalid(principalField, "is required");
        if (!PrincipalArnPattern().IsMatch(principalArn))
        {
            throw Invalid(principalField, "must be the ARN of an IAM user or role (arn:[^:]*:iam::[^:]*:(role|user)/.{1,576})");
        }

        // The model makes cloudTrailDetails optional, but a generation has nothing to read without it.
        if (!body.TryGetProperty("cloudTrailDetails", out var cloudTrail) || cloudTrail.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("cloudTrailDetails", "is required");
        }

        if (!cloudTrail.TryGetProperty("trails", out var trailList) || trailList.ValueKind != JsonValueKind.Array
            || trailList.GetArrayLength() == 0)
        {
            throw Invalid("cloudTrailDetails.trails", "must list at least one trail");
        }

        var trails = new List<TrailSelection>();
        var index = 0;
        foreach (var trail in trailList.EnumerateArray())
        {
            var field = $"cloudTrailDetails.trails.{index}";
            if (trail.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(field, "must be an object");
            }

            var arn = String(trail, "cloudTrailArn") ?? throw Invalid(field + ".cloudTrailArn", "is required");
            if (!TrailArnPattern().IsMatch(arn))
            {
                throw Invalid(field + ".cloudTrailArn", "must be a trail ARN (arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/.{1,576})");
            }

            var regions = new List<string>();
            if (trail.TryGetProperty("regions", out var regionList) && regionList.ValueKind == JsonValueKind.Array)
            {
                foreach (var region in regionList.EnumerateArray())
                {
                    if (region.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(region.GetString()))
                    {
                        throw Invalid(field + ".regions", "must hold Region names");
                    }

                    regions.Add(region.GetString()!);
                }
            }

            var allRegions = trail.TryGetProperty("allRegions", out var all) && all.ValueKind == JsonValueKind.True;
            if (allRegions && regions.Count > 0)
            {
                throw Invalid(field, "cannot set both regions and allRegions");
            }

            trails.Add(new TrailSelection(arn, regions, allRegions));
            index++;
        }

        var accessRole = String(cloudTrail, "accessRole") ?? throw Invalid("cloudTrailDetails.accessRole", "is required");
        if (!RoleArnPattern().IsMatch(accessRole))
        {
            throw Invalid("cloudTrailDetails.accessRole", "must be a role ARN (arn:[^:]*:iam::[^:]*:role/.{1,576})");
        }

        var startTime = Timestamp(cloudTrail, "startTime") ?? throw Invalid("cloudTrailDetails.startTime", "is required");
        var endTime = Timestamp(cloudTrail, "endTime");
        var effectiveEnd = endTime ?? now;
        if (startTime >= effectiveEnd)
        {
            throw Invalid("cloudTrailDetails.startTime", "must be before endTime");
        }

        // "The maximum time range is 90 days": https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html
        if (effectiveEnd - startTime > maxRange)
        {
            throw Invalid("cloudTrailDetails.endTime", $"the time range must not exceed {maxRange.TotalDays.ToString(CultureInfo.InvariantCulture)} days");
        }

        var clientToken = body.TryGetProperty("clientToken", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;
        return new StartGenerationRequest(principalArn, trails, accessRole, startTime, endTime, clientToken);
    }

    private static AnalyzerError Invalid(string field, string problem) =>
        AnalyzerError.Validation($"Invalid request: {field} {problem}.", "fieldValidationFailed", (field, problem));

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()
            : null;

    // The model's timestamps are ISO 8601 strings; epoch seconds are accepted too.
    private static DateTimeOffset? Timestamp(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds))
        {
            return DateTimeOffset.UnixEpoch.AddSeconds(seconds);
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw Invalid("cloudTrailDetails." + name, "must be an ISO 8601 timestamp");
    }
}
