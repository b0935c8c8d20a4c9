using System.Globalization;
using System.Text.Json;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// Turns CloudTrail records into what a policy generation reports for one principal: the
/// actions of action-level services and the other services used.
/// </summary>
public sealed class ActivityAnalysis
{
    private readonly string _principalArn;
    private readonly bool _principalIsRole;
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _end;
    private readonly AccessAnalyzerEmulatorOptions _options;
    private readonly IReadOnlySet<string> _actionLevelServices;
    private readonly SortedSet<string> _actions = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _serviceLevel = new(StringComparer.Ordinal);

    public ActivityAnalysis(
        string principalArn,
        DateTimeOffset start,
        DateTimeOffset end,
        AccessAnalyzerEmulatorOptions options,
        IReadOnlySet<string>? actionLevelServices = null)
    {
        _principalArn = principalArn;
        _principalIsRole = principalArn.Contains(":role/", StringComparison.Ordinal);
        _start = start;
        _end = end;
        _options = options;
        _actionLevelServices = actionLevelServices ?? ActionLevelServices.Default;
    }

    /// <summary>Records that matched the principal and the window.</summary>
    public int MatchedRecords { get; private set; }

    public GenerationFindings Findings => new(_actions.ToArray(), _serviceLevel.ToArray());

    /// <summary>Reads one log file's <c>{"Records":[...]}</c> document.</summary>
    public void AddLogFile(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Records", out var records)
            || records.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var record in records.EnumerateArray())
        {
            AddRecord(record);
        }
    }

    /// <summary>Counts one record when it is the principal's management API call inside the window.</summary>
    public void AddRecord(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object || !IsPrincipals(record) || !IsInWindow(record)
            || !IsManagementApiCall(record))
        {
            return;
        }

        if (!_options.CountFailedCalls && record.TryGetProperty("errorCode", out var error)
            && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0)
        {
            return;
        }

        MatchedRecords++;
        foreach (var action in EventActionMap.ActionsFor(Text(record, "eventSource"), Text(record, "eventName")))
        {
            // "iam:PassRole is not tracked by CloudTrail and is not included in generated policies":
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
            if (action == "iam:PassRole"
                || (!_options.IncludePermissionlessCalls && EventActionMap.IsPermissionless(action)))
            {
                continue;
            }

            var prefix = action[..action.IndexOf(':', StringComparison.Ordinal)];
            if (_actionLevelServices.Contains(prefix))
            {
                _actions.Add(action);
            }
            else
            {
                _serviceLevel.Add(prefix);
            }
        }
    }

    private bool IsPrincipals(JsonElement record)
    {
        if (!record.TryGetProperty("userIdentity", out var identity) || identity.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var type = Text(identity, "type");
        if (!_principalIsRole)
        {
            return type == "IAMUser" && Text(identity, "arn") == _principalArn;
        }

        // A role acts through its sessions; the role ARN (with its path) is the session issuer.
        return type == "AssumedRole"
            && identity.TryGetProperty("sessionContext", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("sessionIssuer", out var issuer) && issuer.ValueKind == JsonValueKind.Object
            && Text(issuer, "arn") == _principalArn;
    }

    private bool IsInWindow(JsonElement record)
    {
        var text = Text(record, "eventTime");
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            && time >= _start && time <= _end;
    }

    private static bool IsManagementApiCall(JsonElement record)
    {
        // "IAM Access Analyzer does not identify action-level activity for data events":
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
        if (record.TryGetProperty("managementEvent", out var management) && management.ValueKind == JsonValueKind.False)
        {
            return false;
        }

        var category = Text(record, "eventCategory");
        if (category.Length > 0 && category != "Management")
        {
            return false;
        }

        // Service events, console sign-ins and Insights are not calls the principal needs rights for.
        var eventType = Text(record, "eventType");
        return eventType.Length == 0 || eventType == "AwsApiCall";
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
