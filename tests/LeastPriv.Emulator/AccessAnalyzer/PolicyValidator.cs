using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>One element of a finding's location path: an array index or an object member name.</summary>
public sealed record PathElement(int? Index, string? Value);

/// <summary>A position in the policy text: line from 1, column and offset from 0.</summary>
public sealed record TextPosition(int Line, int Column, int Offset);

/// <summary>Where in the policy a finding points.</summary>
public sealed record FindingLocation(IReadOnlyList<PathElement> Path, TextPosition Start, TextPosition End);

/// <summary>A ValidatePolicy finding (service model ValidatePolicyFinding).</summary>
public sealed record PolicyFinding(string FindingType, string IssueCode, string FindingDetails, string LearnMoreLink, IReadOnlyList<FindingLocation> Locations);

/// <summary>
/// The subset of ValidatePolicy checks LeastPriv relies on, with AWS's issue codes:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
/// </summary>
public static partial class PolicyValidator
{
    private const string ReferenceLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-";

    public static IReadOnlyList<PolicyFinding> Validate(string policyDocument, string policyType)
    {
        var bytes = Encoding.UTF8.GetBytes(policyDocument);
        var text = new PolicyText(policyDocument, bytes);
        Dictionary<string, (int Start, int End)> spans;
        try
        {
            spans = SpanMap(bytes);
        }
        catch (JsonException ex)
        {
            var offset = (int)Math.Min(ex.BytePositionInLine ?? 0, int.MaxValue);
            var line = (int)(ex.LineNumber ?? 0);
            var position = text.PositionOfLineColumn(line, offset);
            return
            [
                new PolicyFinding("ERROR", "JSON_SYNTAX_ERROR",
                    $"Fix the JSON syntax error at index {position.Offset} line {position.Line} column {position.Column}.",
                    ReferenceLink + "error-json-syntax-error",
                    [new FindingLocation([], position, position)]),
            ];
        }

        using var document = JsonDocument.Parse(bytes);
        var findings = new List<PolicyFinding>();
        var context = new CheckContext(findings, spans, text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            context.Add("ERROR", "DATA_TYPE_MISMATCH", "The text does not match the expected JSON data type Object.", "error-data-type-mismatch", []);
            return findings;
        }

        if (!root.TryGetProperty("Version", out var version))
        {
            context.Add("WARNING", "MISSING_VERSION",
                "We recommend that you specify the Version element to help you with debugging permission issues.", "general-warning-missing-version", []);
        }
        else if (version.ValueKind != JsonValueKind.String || version.GetString() is not ("2012-10-17" or "2008-10-17"))
        {
            context.Add("ERROR", "INVALID_VERSION",
                "The version must be 2012-10-17 or 2008-10-17.", "error-invalid-version", [Key("Version")]);
        }

        if (!root.TryGetProperty("Statement", out var statements))
        {
            context.Add("ERROR", "MISSING_STATEMENT", "Add a Statement element to the policy.", "error-missing-statement", []);
            return findings;
        }

        var statementList = statements.ValueKind == JsonValueKind.Array
            ? statements.EnumerateArray().Select((s, i) => (s, (int?)i)).ToArray()
            : [(statements, null)];
        foreach (var (statement, index) in statementList)
        {
            var basePath = index is { } i ? new List<PathElement> { Key("Statement"), new(i, null) } : [Key("Statement")];
            CheckStatement(context, statement, basePath, policyType);
        }

        return findings;
    }

    private static void CheckStatement(CheckContext context, JsonElement statement, List<PathElement> path, string policyType)
    {
        if (statement.ValueKind != JsonValueKind.Object)
        {
            context.Add("ERROR", "DATA_TYPE_MISMATCH", "The text does not match the expected JSON data type Object.", "error-data-type-mismatch", path);
            return;
        }

        if (!statement.TryGetProperty("Effect", out var effect))
        {
            context.Add("ERROR", "MISSING_EFFECT", "Add an Effect element to the policy statement with a value of Allow or Deny.", "error-missing-effect", path);
        }
        else if (effect.ValueKind != JsonValueKind.String || effect.GetString() is not ("Allow" or "Deny"))
        {
            context.Add("ERROR", "INVALID_EFFECT", "The Effect element must be Allow or Deny.", "error-invalid-effect", [.. path, Key("Effect")]);
        }

        var hasAction = statement.TryGetProperty("Action", out var actions);
        if (!hasAction && !statement.TryGetProperty("NotAction", out _))
        {
            context.Add("ERROR", "MISSING_ACTION", "Add an Action or NotAction element to the policy statement.", "error-missing-action", path);
        }

        var isIdentity = policyType == "IDENTITY_POLICY";
        if (isIdentity && !statement.TryGetProperty("Resource", out _) && !statement.TryGetProperty("NotResource", out _))
        {
            context.Add("ERROR", "MISSING_RESOURCE", "Add a Resource or NotResource element to the policy statement.", "error-missing-resource", path);
        }

        if (isIdentity && statement.TryGetProperty("Principal", out _))
        {
            context.Add("ERROR", "UNSUPPORTED_PRINCIPAL",
                "Policies with a Principal element can only be attached to resources. Remove the Principal element.", "error-unsupported-principal", [.. path, Key("Principal")]);
        }

        var actionValues = hasAction ? Values(actions, [.. path, Key("Action")]) : [];
        foreach (var (action, actionPath) in actionValues)
        {
            CheckAction(context, action, actionPath);
        }

        CheckRedundantActions(context, actionValues);

        var resources = statement.TryGetProperty("Resource", out var resourceElement)
            ? Values(resourceElement, [.. path, Key("Resource")])
            : [];
        foreach (var (resource, resourcePath) in resources)
        {
            CheckResource(context, resource, resourcePath);
        }

        // Security warning: iam:PassRole on every role, without iam:PassedToService.
        var isAllow = effect.ValueKind == JsonValueKind.String && effect.GetString() == "Allow";
        var passRole = actionValues.Any(a => Matches(a.Value, "iam:PassRole"));
        var passedToService = statement.TryGetProperty("Condition", out var condition)
            && condition.GetRawText().Contains("iam:PassedToService", StringComparison.OrdinalIgnoreCase);
        if (isAllow && passRole && !passedToService)
        {
            foreach (var (resource, resourcePath) in resources.Where(r => r.Value.Contains('*', StringComparison.Ordinal)))
            {
                context.Add("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                    "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
                    "security-warning-pass-role-with-star-in-resource", resourcePath);
            }
        }
    }

    private static void CheckAction(CheckContext context, string action, List<PathElement> path)
    {
        if (action == "*")
        {
            return;
        }

        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == action.Length - 1)
        {
            context.Add("ERROR", "INVALID_ACTION", $"The action {action} does not exist.", "error-invalid-action", path);
            return;
        }

        var service = action[..colon];
        if (!ServicePattern().IsMatch(service))
        {
            context.Add("ERROR", "INVALID_SERVICE_IN_ACTION", $"The service {service} specified in the action does not exist.", "error-invalid-service-in-action", path);
            return;
        }

        if (!KnownActions.CheckedServices.Contains(service.ToLowerInvariant()))
        {
            return;
        }

        var canonical = service.ToLowerInvariant() + action[colon..];
        var exists = canonical.Contains('*', StringComparison.Ordinal) || canonical.Contains('?', StringComparison.Ordinal)
            ? KnownActions.Of(service.ToLowerInvariant()).Any(a => Matches(canonical, a))
            : KnownActions.Exists(canonical) || KnownActions.Of(service.ToLowerInvariant()).Any(a => a.Equals(canonical, StringComparison.OrdinalIgnoreCase));
        if (!exists)
        {
            context.Add("ERROR", "INVALID_ACTION", $"The action {action} does not exist.", "error-invalid-action", path);
        }
    }

    // Suggestion: an action a wildcard of the same statement already grants.
    private static void CheckRedundantActions(CheckContext context, IReadOnlyList<(string Value, List<PathElement> Path)> actions)
    {
        var wildcards = actions.Where(a => a.Value.Contains('*', StringComparison.Ordinal)).ToArray();
        foreach (var wildcard in wildcards)
        {
            var covered = actions.Where(a => !ReferenceEquals(a.Path, wildcard.Path) && a.Value != wildcard.Value && Matches(wildcard.Value, a.Value)).ToArray();
            if (covered.Length == 0)
            {
                continue;
            }

            context.AddAt("SUGGESTION", "REDUNDANT_ACTION",
                $"The {covered.Length} action(s) are redundant because they provide similar permissions to the following action: {wildcard.Value}.",
                "suggestion-redundant-action", covered.Select(c => c.Path).ToArray());
        }
    }

    private static void CheckResource(CheckContext context, string resource, List<PathElement> path)
    {
        if (resource == "*" || !resource.StartsWith("arn:", StringComparison.Ordinal))
        {
            return;
        }

        var parts = resource.Split(':', 6);
        if (parts.Length < 6)
        {
            context.Add("ERROR", "MISSING_ARN_FIELD", "Resource ARN is missing a required field. Use the format arn:partition:service:region:account:resource.", "error-missing-arn-field", path);
            return;
        }

        var service = parts[2];
        var resourcePart = parts[5];
        if (!ResourceTemplates.Services.Contains(service) || resourcePart.StartsWith('*') || resourcePart.StartsWith('$'))
        {
            return;
        }

        var templates = ResourceTemplates.AllActions
            .Where(a => a.StartsWith(service + ":", StringComparison.Ordinal))
            .SelectMany(a => ResourceTemplates.For(a, parts[1]))
            .Distinct(StringComparer.Ordinal);
        if (!templates.Any(t => TemplateRegex(t).IsMatch(resource)))
        {
            context.Add("ERROR", "INVALID_ARN_RESOURCE", "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.", "error-invalid-arn-resource", path);
        }
    }

    private static Regex TemplateRegex(string template)
    {
        var pattern = new StringBuilder("^");
        var rest = template;
        while (rest.Length > 0)
        {
            var open = rest.IndexOf("${", StringComparison.Ordinal);
            if (open < 0)
            {
                pattern.Append(Regex.Escape(rest));
                break;
            }

            var close = rest.IndexOf('}', open);
            pattern.Append(Regex.Escape(rest[..open]));
            var name = rest[(open + 2)..close];
            pattern.Append(name is "Region" or "Account" ? "[^:]*" : ".+");
            rest = rest[(close + 1)..];
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    // IAM wildcard match, case-insensitive as IAM compares actions.
    private static bool Matches(string pattern, string value)
    {
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(value, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static List<(string Value, List<PathElement> Path)> Values(JsonElement element, List<PathElement> path) => element.ValueKind switch
    {
        JsonValueKind.String => [(element.GetString()!, path)],
        JsonValueKind.Array => element.EnumerateArray()
            .Select((v, i) => (v, i))
            .Where(x => x.v.ValueKind == JsonValueKind.String)
            .Select(x => (x.v.GetString()!, new List<PathElement>([.. path, new PathElement(x.i, null)])))
            .ToList(),
        _ => [],
    };

    private static PathElement Key(string name) => new(null, name);

    // Byte spans of every value, keyed by its path ("Statement/0/Action/1").
    private static Dictionary<string, (int Start, int End)> SpanMap(byte[] bytes)
    {
        var spans = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var stack = new List<(bool IsArray, string? Property, int Index, string Path, int Start)>();
        string? pendingProperty = null;

        string ChildPath()
        {
            if (stack.Count == 0)
            {
                return string.Empty;
            }

            var top = stack[^1];
            return top.IsArray ? top.Path + "/" + top.Index : top.Path + "/" + pendingProperty;
        }

        void Advance()
        {
            if (stack.Count > 0 && stack[^1].IsArray)
            {
                var top = stack[^1];
                stack[^1] = top with { Index = top.Index + 1 };
            }
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingProperty = reader.GetString();
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    stack.Add((reader.TokenType == JsonTokenType.StartArray, pendingProperty, 0, ChildPath(), (int)reader.TokenStartIndex));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    var closed = stack[^1];
                    stack.RemoveAt(stack.Count - 1);
                    spans[closed.Path] = (closed.Start, (int)reader.TokenStartIndex + 1);
                    Advance();
                    break;
                default:
                    var start = (int)reader.TokenStartIndex;
                    var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                    var end = start + length + (reader.TokenType == JsonTokenType.String ? 2 : 0);
                    spans[ChildPath()] = (start, end);
                    Advance();
                    break;
            }
        }

        return spans;
    }

    [GeneratedRegex("^[a-zA-Z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ServicePattern();

    private sealed class CheckContext(List<PolicyFinding> findings, Dictionary<string, (int Start, int End)> spans, PolicyText text)
    {
        public void Add(string type, string code, string details, string anchor, List<PathElement> path) =>
            AddAt(type, code, details, anchor, [path]);

        public void AddAt(string type, string code, string details, string anchor, IReadOnlyList<List<PathElement>> paths)
        {
            var locations = paths.Select(p =>
            {
                var key = string.Concat(p.Select(e => "/" + (e.Index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? e.Value)));
                var (start, end) = spans.TryGetValue(key, out var span) ? span : spans.GetValueOrDefault(string.Empty);
                return new FindingLocation(p, text.PositionOfByte(start), text.PositionOfByte(end));
            }).ToArray();
            if (paths.Count == 0)
            {
                var (start, end) = spans.GetValueOrDefault(string.Empty);
                locations = [new FindingLocation([], text.PositionOfByte(start), text.PositionOfByte(end))];
            }

            findings.Add(new PolicyFinding(type, code, details, ReferenceLink + anchor, locations));
        }
    }

    private sealed class PolicyText(string text, byte[] bytes)
    {
        public TextPosition PositionOfByte(int byteOffset)
        {
            var offset = Encoding.UTF8.GetCharCount(bytes, 0, Math.Clamp(byteOffset, 0, bytes.Length));
            return PositionOfOffset(offset);
        }

        // JsonException reports a 0-based line and a byte position within that line.
        public TextPosition PositionOfLineColumn(int line, int bytesInLine)
        {
            var offset = 0;
            for (var current = 0; current < line && offset < text.Length; offset++)
            {
                if (text[offset] == '\n')
                {
                    current++;
                }
            }

            return PositionOfOffset(Math.Min(offset + bytesInLine, text.Length));
        }

        private TextPosition PositionOfOffset(int offset)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < offset && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return new TextPosition(line, offset - lineStart, offset);
        }
    }
}
