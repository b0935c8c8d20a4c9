using System.Text.Json;
using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Catalog;

namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// Finds the calls a verification run was denied, from two sources:
/// <list type="bullet">
/// <item>the workload's error messages: IAM-style denials name the action
/// ("User: arn:... is not authorized to perform: iam:ListUsers"), as the AWS CLI prints them;</item>
/// <item>CloudTrail LookupEvents for the run's access key over the window: management events
/// with an access-denied error code, mapped from event name to action. LookupEvents holds
/// management events only (data events such as S3 object calls are not there) and allows
/// 2 requests per second, which the CloudTrail client paces.</item>
/// </list>
/// </summary>
public static class DeniedCallCollector
{
    private static readonly Regex NotAuthorized = new(
        @"is not authorized to perform:\s*(?<action>[A-Za-z0-9-]+:[A-Za-z0-9*]+)",
        RegexOptions.CultureInvariant);

    // AWS CLI / botocore: "An error occurred (AccessDenied) when calling the ListBuckets operation: ...".
    private static readonly Regex CliError = new(
        @"An error occurred \((?<code>[A-Za-z0-9.]+)\) when calling the (?<operation>[A-Za-z0-9]+) operation",
        RegexOptions.CultureInvariant);

    private static readonly HashSet<string> DeniedCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "Client.UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
    };

    public static bool IsDeniedCode(string? code) => code is not null && DeniedCodes.Contains(code);

    /// <summary>Denied calls named in the workload's error messages; denials that name no action go to <paramref name="unattributed"/>.</summary>
    public static void FromMessages(IEnumerable<string> messages, DeniedCallSet into, ICollection<string> unattributed)
    {
        foreach (var message in messages)
        {
            if (string.IsNullOrEmpty(message))
            {
                continue;
            }

            var named = false;
            foreach (Match m in NotAuthorized.Matches(message))
            {
                named = true;
                var cli = CliError.Match(message);
                into.Add(m.Groups["action"].Value, cli.Success ? cli.Groups["code"].Value : "AccessDenied", message.Trim());
            }

            if (!named)
            {
                var cli = CliError.Match(message);
                if (cli.Success && IsDeniedCode(cli.Groups["code"].Value))
                {
                    unattributed.Add(message.Trim());
                }
            }
        }
    }

    /// <summary>Denied management calls CloudTrail recorded for the access key over the window.</summary>
    public static async Task FromCloudTrailAsync(
        ICloudTrailApi cloudTrail,
        string accessKeyId,
        DateTimeOffset start,
        DateTimeOffset end,
        EventActionMapper mapper,
        DeniedCallSet into,
        ICollection<string> unattributed,
        CancellationToken cancellationToken)
    {
        var request = new CloudTrailLookupRequest
        {
            AttributeKey = "AccessKeyId",
            AttributeValue = accessKeyId,
            StartTime = start,
            EndTime = end,
            MaxResults = 50,
        };
        await foreach (var e in cloudTrail.LookupEventsAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (e.CloudTrailEvent is null)
            {
                continue;
            }

            string? code, message, source, name;
            try
            {
                using var doc = JsonDocument.Parse(e.CloudTrailEvent);
                var root = doc.RootElement;
                code = Text(root, "errorCode");
                message = Text(root, "errorMessage");
                source = Text(root, "eventSource") ?? e.EventSource;
                name = Text(root, "eventName") ?? e.EventName;
            }
            catch (JsonException)
            {
                continue;
            }

            if (!IsDeniedCode(code) || source is null || name is null)
            {
                continue;
            }

            var named = message is null ? null : NotAuthorized.Match(message);
            if (named is { Success: true })
            {
                into.Add(named.Groups["action"].Value, code!, message!);
                continue;
            }

            var mapping = mapper.Map(source, name);
            if (mapping.Kind == EventMappingKind.Actions && mapping.Actions.Count > 0)
            {
                foreach (var action in mapping.Actions)
                {
                    into.Add(action, code!, message ?? $"{source} {name}: {code}");
                }
            }
            else
            {
                unattributed.Add($"{source} {name}: {code} {message}".Trim());
            }
        }
    }

    private static string? Text(JsonElement root, string name)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Denied calls by action (case-insensitive), counting repeats; each action's earliest message is kept.</summary>
public sealed class DeniedCallSet
{
    private readonly Dictionary<string, LPDeniedCall> _calls = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string action, string errorCode, string message)
    {
        if (_calls.TryGetValue(action, out var call))
        {
            call.Count++;
            return;
        }

        _calls[action] = new LPDeniedCall { Action = action, Count = 1, ErrorCode = errorCode, MessageSample = message };
    }

    public int Count => _calls.Count;

    public IReadOnlyList<LPDeniedCall> Calls => _calls.Values.OrderBy(c => c.Action, StringComparer.OrdinalIgnoreCase).ToList();
}
