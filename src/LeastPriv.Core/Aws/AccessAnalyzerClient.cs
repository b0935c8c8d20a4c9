using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeastPriv.Core.Aws;

/// <summary>
/// IAM Access Analyzer over REST-JSON (https://docs.aws.amazon.com/access-analyzer/latest/APIReference/):
/// paths and query members per the model, lower-camel JSON bodies, ISO 8601 timestamps.
/// Path segments are percent-encoded once in the URL and, as for every non-S3 service, twice
/// in the SigV4 canonical request (AWSSDK.Core's signer does the second pass).
/// </summary>
internal sealed class AccessAnalyzerClient : IAccessAnalyzerApi
{
    private const string JsonContentType = "application/json";

    private readonly AwsTransport _transport;

    public AccessAnalyzerClient(AwsContext context)
    {
        _transport = new AwsTransport(context, AwsService.AccessAnalyzer, AwsErrorReader.RestJson);
    }

    public Task<string> StartPolicyGenerationAsync(AccessAnalyzerStartPolicyGenerationRequest request, CancellationToken cancellationToken = default)
    {
        if (request.EndTime is { } end && end < request.StartTime)
        {
            throw new LeastPrivException("PolicyGenerationWindowInvalid", LPErrorCategory.InvalidArgument, "StartPolicyGeneration: the start time is after the end time.", request.PrincipalArn);
        }

        var body = AwsJson.Object(w =>
        {
            w.WriteStartObject("policyGenerationDetails");
            w.WriteString("principalArn", request.PrincipalArn);
            w.WriteEndObject();
            w.WriteStartObject("cloudTrailDetails");
            w.WriteStartArray("trails");
            foreach (var t in request.Trails)
            {
                w.WriteStartObject();
                w.WriteString("cloudTrailArn", t.CloudTrailArn);
                if (t.Regions.Count > 0)
                {
                    w.Strings("regions", t.Regions);
                }

                w.Bool("allRegions", t.AllRegions);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("accessRole", request.AccessRole);
            w.WriteString("startTime", AwsTimestamps.FormatIso(request.StartTime));
            if (request.EndTime is { } e)
            {
                w.WriteString("endTime", AwsTimestamps.FormatIso(e));
            }

            w.WriteEndObject();
            w.WriteString("clientToken", request.ClientToken ?? Guid.NewGuid().ToString());
        });
        var wire = new AwsWireRequest("PUT", "/policy/generation") { Body = body, ContentType = JsonContentType };
        return CallAsync("StartPolicyGeneration", wire, request.PrincipalArn, r => r.Str("jobId") ?? throw new FormatException("The answer has no jobId."), cancellationToken);
    }

    public Task<AccessAnalyzerGeneratedPolicy> GetGeneratedPolicyAsync(
        string jobId,
        bool? includeResourcePlaceholders = null,
        bool? includeServiceLevelTemplate = null,
        CancellationToken cancellationToken = default)
    {
        var wire = new AwsWireRequest("GET", "/policy/generation/{jobId}");
        wire.PathParameters["jobId"] = jobId;
        AddQuery(wire, "includeResourcePlaceholders", includeResourcePlaceholders);
        AddQuery(wire, "includeServiceLevelTemplate", includeServiceLevelTemplate);
        return CallAsync("GetGeneratedPolicy", wire, jobId, ReadGeneratedPolicy, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessAnalyzerJob>> ListPolicyGenerationsAsync(string? principalArn = null, CancellationToken cancellationToken = default)
    {
        var jobs = new List<AccessAnalyzerJob>();
        string? next = null;
        do
        {
            var wire = new AwsWireRequest("GET", "/policy/generation");
            if (principalArn is not null)
            {
                wire.Query.Add(new("principalArn", principalArn));
            }

            if (next is not null)
            {
                wire.Query.Add(new("nextToken", next));
            }

            var page = await CallAsync(
                "ListPolicyGenerations",
                wire,
                principalArn,
                r => (Jobs: r.Array("policyGenerations").Select(ReadJob).ToList(), Next: r.Str("nextToken")),
                cancellationToken).ConfigureAwait(false);
            jobs.AddRange(page.Jobs);
            next = string.IsNullOrEmpty(page.Next) ? null : page.Next;
        }
        while (next is not null);

        return jobs;
    }

    public Task CancelPolicyGenerationAsync(string jobId, CancellationToken cancellationToken = default)
    {
        // A PUT with an empty body (Content-Length: 0) and no Content-Type (aws-wire.md §5).
        var wire = new AwsWireRequest("PUT", "/policy/generation/{jobId}");
        wire.PathParameters["jobId"] = jobId;
        return CallAsync("CancelPolicyGeneration", wire, jobId, _ => true, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessAnalyzerFinding>> ValidatePolicyAsync(AccessAnalyzerValidatePolicyRequest request, CancellationToken cancellationToken = default)
    {
        var body = AwsJson.Object(w =>
        {
            w.String("locale", request.Locale);
            w.WriteString("policyDocument", request.PolicyDocument);
            w.WriteString("policyType", request.PolicyType);
            w.String("validatePolicyResourceType", request.ValidatePolicyResourceType);
        });
        var findings = new List<AccessAnalyzerFinding>();
        string? next = null;
        do
        {
            var wire = new AwsWireRequest("POST", "/policy/validation") { Body = body, ContentType = JsonContentType };
            if (next is not null)
            {
                wire.Query.Add(new("nextToken", next));
            }

            var page = await CallAsync(
                "ValidatePolicy",
                wire,
                request.PolicyType,
                r => (Findings: r.Array("findings").Select(ReadFinding).ToList(), Next: r.Str("nextToken")),
                cancellationToken).ConfigureAwait(false);
            findings.AddRange(page.Findings);
            next = string.IsNullOrEmpty(page.Next) ? null : page.Next;
        }
        while (next is not null);

        return findings;
    }

    public Task<AccessAnalyzerCheckResult> CheckNoNewAccessAsync(string newPolicyDocument, string existingPolicyDocument, string policyType, CancellationToken cancellationToken = default)
    {
        var body = AwsJson.Object(w =>
        {
            w.WriteString("newPolicyDocument", newPolicyDocument);
            w.WriteString("existingPolicyDocument", existingPolicyDocument);
            w.WriteString("policyType", policyType);
        });
        var wire = new AwsWireRequest("POST", "/policy/check-no-new-access") { Body = body, ContentType = JsonContentType };
        return CallAsync("CheckNoNewAccess", wire, policyType, ReadCheck, cancellationToken);
    }

    public Task<AccessAnalyzerCheckResult> CheckAccessNotGrantedAsync(
        string policyDocument,
        IEnumerable<string>? actions,
        IEnumerable<string>? resources,
        string policyType,
        CancellationToken cancellationToken = default)
    {
        var actionList = actions?.ToList();
        var resourceList = resources?.ToList();
        if ((actionList is null || actionList.Count == 0) && (resourceList is null || resourceList.Count == 0))
        {
            throw new LeastPrivException("AccessCheckInvalid", LPErrorCategory.InvalidArgument, "CheckAccessNotGranted needs at least one action or resource.", policyType);
        }

        if (actionList?.Count > 100 || resourceList?.Count > 100)
        {
            throw new LeastPrivException("AccessCheckInvalid", LPErrorCategory.InvalidArgument, "CheckAccessNotGranted takes at most 100 actions and 100 resources.", policyType);
        }

        var body = AwsJson.Object(w =>
        {
            w.WriteString("policyDocument", policyDocument);
            w.WriteStartArray("access");
            w.WriteStartObject();
            w.Strings("actions", actionList);
            w.Strings("resources", resourceList);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("policyType", policyType);
        });
        var wire = new AwsWireRequest("POST", "/policy/check-access-not-granted") { Body = body, ContentType = JsonContentType };
        return CallAsync("CheckAccessNotGranted", wire, policyType, ReadCheck, cancellationToken);
    }

    private static void AddQuery(AwsWireRequest wire, string name, bool? value)
    {
        if (value is not null)
        {
            wire.Query.Add(new(name, value.Value ? "true" : "false"));
        }
    }

    private async Task<T> CallAsync<T>(string operation, AwsWireRequest request, object? target, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync(operation, request, target, cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(response.Body.Length == 0 ? Encoding.UTF8.GetBytes("{}") : response.Body);
            return parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new LeastPrivException("AwsResponseInvalid", LPErrorCategory.InvalidResult, $"AccessAnalyzer {operation}: the answer is not valid ({ex.Message}).", target, ex);
        }
    }

    private static AccessAnalyzerJob ReadJob(JsonElement j) => new()
    {
        JobId = j.Str("jobId") ?? throw new FormatException("A job has no jobId."),
        PrincipalArn = j.Str("principalArn"),
        Status = j.Str("status") ?? string.Empty,
        StartedOn = j.Iso("startedOn") ?? default,
        CompletedOn = j.Iso("completedOn"),
        ErrorCode = j.Prop("jobError")?.Str("code"),
        ErrorMessage = j.Prop("jobError")?.Str("message"),
    };

    private static AccessAnalyzerTrail ReadTrail(JsonElement t) => new()
    {
        CloudTrailArn = t.Str("cloudTrailArn") ?? string.Empty,
        Regions = t.StringList("regions").ToList(),
        AllRegions = t.Bool("allRegions"),
    };

    private static AccessAnalyzerGeneratedPolicy ReadGeneratedPolicy(JsonElement r)
    {
        var details = r.Prop("jobDetails") ?? throw new FormatException("The answer has no jobDetails.");
        var result = r.Prop("generatedPolicyResult");
        var properties = result?.Prop("properties");
        var trail = properties?.Prop("cloudTrailProperties");
        return new AccessAnalyzerGeneratedPolicy
        {
            Job = ReadJob(details),
            IsComplete = properties?.Bool("isComplete"),
            PrincipalArn = properties?.Str("principalArn") ?? string.Empty,
            Trails = trail?.Array("trailProperties").Select(ReadTrail).ToArray() ?? Array.Empty<AccessAnalyzerTrail>(),
            StartTime = trail?.Iso("startTime"),
            EndTime = trail?.Iso("endTime"),
            Policies = result?.Array("generatedPolicies").Select(p => p.Str("policy")).Where(p => p is not null).Select(p => p!).ToArray() ?? Array.Empty<string>(),
        };
    }

    private static AccessAnalyzerFinding ReadFinding(JsonElement f) => new()
    {
        FindingType = f.Str("findingType") ?? string.Empty,
        IssueCode = f.Str("issueCode") ?? string.Empty,
        FindingDetails = f.Str("findingDetails") ?? string.Empty,
        LearnMoreLink = f.Str("learnMoreLink"),
        Locations = f.Array("locations").Select(ReadLocation).ToArray(),
    };

    private static AccessAnalyzerLocation ReadLocation(JsonElement l)
    {
        var path = new StringBuilder();
        foreach (var element in l.Array("path"))
        {
            if (element.Int("index") is { } index)
            {
                path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else if (element.Str("key") is { } key)
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(key);
            }
            else if (element.Str("value") is { } value)
            {
                path.Append("=\"").Append(value).Append('"');
            }
            else if (element.Prop("substring") is { } sub)
            {
                path.Append("[substring ").Append(sub.Int("start") ?? 0).Append('+').Append(sub.Int("length") ?? 0).Append(']');
            }
        }

        var start = l.Prop("span")?.Prop("start");
        var end = l.Prop("span")?.Prop("end");
        return new AccessAnalyzerLocation
        {
            Path = path.ToString(),
            StartLine = start?.Int("line") ?? 0,
            StartColumn = start?.Int("column") ?? 0,
            StartOffset = start?.Int("offset") ?? 0,
            EndLine = end?.Int("line") ?? 0,
            EndColumn = end?.Int("column") ?? 0,
            EndOffset = end?.Int("offset") ?? 0,
        };
    }

    private static AccessAnalyzerCheckResult ReadCheck(JsonElement r) => new()
    {
        Result = r.Str("result") ?? string.Empty,
        Message = r.Str("message"),
        Reasons = r.Array("reasons").Select(x => new AccessAnalyzerReason
        {
            Description = x.Str("description"),
            StatementIndex = x.Int("statementIndex"),
            StatementId = x.Str("statementId"),
        }).ToArray(),
    };
}
