using System.Globalization;
using System.Text.Json;
using LeastPriv.Core.Tests.Aws.Infrastructure;

namespace LeastPriv.Core.Tests.Aws.Conformance;

/// <summary>
/// Checks a request captured on the wire against the service model: protocol envelope
/// (Action/Version, X-Amz-Target, HTTP method and URI template), member names with their exact
/// casing, required members, and value types (booleans, integers, timestamps, enums, lists).
/// Returns the list of problems (empty when the request conforms).
/// </summary>
public static class ModelRequestValidator
{
    public static List<string> Validate(ServiceModel model, string operation, CapturedRequest request)
    {
        var problems = new List<string>();
        switch (model.Protocol)
        {
            case "query":
                ValidateQuery(model, operation, request, problems);
                break;
            case "json":
                ValidateJson(model, operation, request, problems);
                break;
            case "rest-json":
                ValidateRestJson(model, operation, request, problems);
                break;
            default:
                problems.Add("unsupported protocol " + model.Protocol);
                break;
        }

        return problems;
    }

    private static void ValidateQuery(ServiceModel model, string operation, CapturedRequest request, List<string> problems)
    {
        Expect(request.Method == "POST", $"method {request.Method}, expected POST", problems);
        Expect(request.Path == "/", $"path {request.Path}, expected /", problems);
        Expect(request.Header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8", $"Content-Type '{request.Header("Content-Type")}'", problems);

        var pairs = request.BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Uri.UnescapeDataString(p[0]), Value: p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty))
            .ToList();
        foreach (var raw in request.BodyText.Split('&'))
        {
            // RFC 3986: only unreserved characters may appear unencoded.
            if (raw.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '%' or '=')))
            {
                problems.Add($"form member '{raw}' is not RFC 3986 percent-encoded");
            }
        }

        var action = pairs.Where(p => p.Key == "Action").Select(p => p.Value).ToList();
        var version = pairs.Where(p => p.Key == "Version").Select(p => p.Value).ToList();
        Expect(action.Count == 1 && action[0] == operation, $"Action {string.Join(",", action)}, expected {operation}", problems);
        Expect(version.Count == 1 && version[0] == model.ApiVersion, $"Version {string.Join(",", version)}, expected {model.ApiVersion}", problems);

        var root = new FormNode();
        foreach (var (key, value) in pairs.Where(p => p.Key is not "Action" and not "Version"))
        {
            var node = root;
            foreach (var part in key.Split('.'))
            {
                if (!node.Children.TryGetValue(part, out var child))
                {
                    child = new FormNode();
                    node.Children[part] = child;
                }

                node = child;
            }

            if (node.Value is not null)
            {
                problems.Add($"member {key} sent twice");
            }

            node.Value = value;
        }

        var input = model.InputShape(operation);
        if (input is null)
        {
            Expect(root.Children.Count == 0, "members sent to an operation without input", problems);
            return;
        }

        ValidateForm(model, root, input, operation, problems);
    }

    private static void ValidateForm(ServiceModel model, FormNode node, string shapeName, string path, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "structure":
                var members = shape.GetProperty("members");
                foreach (var child in node.Children)
                {
                    if (!members.TryGetProperty(child.Key, out var member))
                    {
                        problems.Add($"{path}.{child.Key}: not a member of {shapeName} (members: {string.Join(", ", members.EnumerateObject().Select(m => m.Name))})");
                        continue;
                    }

                    ValidateForm(model, child.Value, member.GetProperty("shape").GetString()!, path + "." + child.Key, problems);
                }

                foreach (var required in Required(shape))
                {
                    if (!node.Children.ContainsKey(required))
                    {
                        problems.Add($"{path}: required member {required} missing");
                    }
                }

                break;
            case "list":
                if (node.Children.Count != 1 || !node.Children.TryGetValue("member", out var items))
                {
                    problems.Add($"{path}: a list must be sent as {path}.member.N");
                    break;
                }

                var indexes = items.Children.Keys.Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).OrderBy(i => i).ToList();
                Expect(indexes.SequenceEqual(Enumerable.Range(1, indexes.Count)), $"{path}.member indexes {string.Join(",", indexes)} are not 1..N", problems);
                var memberShape = shape.GetProperty("member").GetProperty("shape").GetString()!;
                foreach (var item in items.Children)
                {
                    ValidateForm(model, item.Value, memberShape, $"{path}.member.{item.Key}", problems);
                }

                CheckLength(shape, items.Children.Count, path, problems);
                break;
            default:
                if (node.Value is null || node.Children.Count > 0)
                {
                    problems.Add($"{path}: a {type} must be a single value");
                    break;
                }

                ValidateScalarText(shape, type!, node.Value, path, problems);
                break;
        }
    }

    private static void ValidateScalarText(JsonElement shape, string type, string value, string path, List<string> problems)
    {
        switch (type)
        {
            case "string":
                CheckString(shape, value, path, problems);
                break;
            case "boolean":
                Expect(value is "true" or "false", $"{path}: boolean '{value}' must be true or false", problems);
                break;
            case "integer":
            case "long":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    problems.Add($"{path}: '{value}' is not an integer");
                }
                else
                {
                    CheckRange(shape, n, path, problems);
                }

                break;
            case "timestamp":
                Expect(IsIso8601(value), $"{path}: timestamp '{value}' is not ISO 8601", problems);
                break;
            default:
                problems.Add($"{path}: unexpected scalar type {type}");
                break;
        }
    }

    private static void ValidateJson(ServiceModel model, string operation, CapturedRequest request, List<string> problems)
    {
        Expect(request.Method == "POST", $"method {request.Method}, expected POST", problems);
        Expect(request.Path == "/", $"path {request.Path}, expected /", problems);
        var target = model.Metadata.GetProperty("targetPrefix").GetString() + "." + operation;
        Expect(request.Header("X-Amz-Target") == target, $"X-Amz-Target '{request.Header("X-Amz-Target")}', expected '{target}'", problems);
        var jsonVersion = model.Metadata.GetProperty("jsonVersion").GetString();
        Expect(request.Header("Content-Type") == "application/x-amz-json-" + jsonVersion, $"Content-Type '{request.Header("Content-Type")}'", problems);
        using var doc = JsonDocument.Parse(request.Body);
        var input = model.InputShape(operation);
        if (input is not null)
        {
            ValidateJsonValue(model, doc.RootElement, input, operation, "unixTimestamp", problems);
        }
    }

    private static void ValidateRestJson(ServiceModel model, string operation, CapturedRequest request, List<string> problems)
    {
        var http = model.Operation(operation).GetProperty("http");
        var method = http.GetProperty("method").GetString();
        Expect(request.Method == method, $"method {request.Method}, expected {method}", problems);
        var template = http.GetProperty("requestUri").GetString()!;
        var templatePath = template.Split('?')[0];
        var input = model.InputShape(operation);
        var shape = input is null ? (JsonElement?)null : model.Shape(input);
        var members = shape?.GetProperty("members");
        var seen = new HashSet<string>(StringComparer.Ordinal);

        var templateSegments = templatePath.Split('/');
        var actualSegments = request.Path.Split('/');
        if (templateSegments.Length != actualSegments.Length)
        {
            problems.Add($"path {request.Path} does not match {templatePath}");
        }
        else
        {
            for (var i = 0; i < templateSegments.Length; i++)
            {
                var t = templateSegments[i];
                if (t.StartsWith('{'))
                {
                    var label = t.Trim('{', '}', '+');
                    var member = FindMember(members, "uri", label);
                    if (member is null)
                    {
                        problems.Add($"no uri member for label {label}");
                        continue;
                    }

                    seen.Add(member.Value.Name);
                    // The URL carries the label percent-encoded once (RFC 3986 unreserved kept).
                    var decoded = Uri.UnescapeDataString(actualSegments[i]);
                    Expect(Uri.EscapeDataString(decoded) == actualSegments[i], $"path segment '{actualSegments[i]}' is not RFC 3986-encoded once", problems);
                }
                else
                {
                    Expect(t == actualSegments[i], $"path segment '{actualSegments[i]}', expected '{t}'", problems);
                }
            }
        }

        foreach (var pair in request.Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            var member = FindMember(members, "querystring", name);
            if (member is null)
            {
                problems.Add($"query member {name} is not a querystring member of {input}");
                continue;
            }

            seen.Add(member.Value.Name);
            var memberShape = model.Shape(member.Value.Value.GetProperty("shape").GetString()!);
            ValidateScalarText(memberShape, memberShape.GetProperty("type").GetString()!, value, "?" + name, problems);
        }

        var bodyMembers = members?.EnumerateObject().Where(m => !m.Value.TryGetProperty("location", out _)).ToList() ?? new();
        if (bodyMembers.Count == 0)
        {
            Expect(request.Body.Length == 0, $"{operation} has no body members but {request.Body.Length} body bytes were sent", problems);
            Expect(request.Header("Content-Length") is null or "0", $"Content-Length {request.Header("Content-Length")}, expected 0", problems);
            Expect(request.Header("Content-Type") is null, "Content-Type sent without a body", problems);
        }
        else
        {
            Expect(request.Header("Content-Type") == "application/json", $"Content-Type '{request.Header("Content-Type")}'", problems);
            using var doc = JsonDocument.Parse(request.Body);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var member = bodyMembers.FirstOrDefault(m => m.Name == p.Name);
                if (member.Value.ValueKind == JsonValueKind.Undefined)
                {
                    problems.Add($"body member {p.Name} is not a body member of {input}");
                    continue;
                }

                seen.Add(p.Name);
                ValidateJsonValue(model, p.Value, member.Value.GetProperty("shape").GetString()!, p.Name, "unixTimestamp", problems);
            }
        }

        if (shape is { } s)
        {
            foreach (var required in Required(s))
            {
                Expect(seen.Contains(required), $"required member {required} missing", problems);
            }
        }
    }

    private static JsonProperty? FindMember(JsonElement? members, string location, string locationName)
    {
        if (members is null)
        {
            return null;
        }

        foreach (var m in members.Value.EnumerateObject())
        {
            if (m.Value.TryGetProperty("location", out var l) && l.GetString() == location
                && (m.Value.TryGetProperty("locationName", out var n) ? n.GetString() : m.Name) == locationName)
            {
                return m;
            }
        }

        return null;
    }

    private static void ValidateJsonValue(ServiceModel model, JsonElement value, string shapeName, string path, string defaultTimestampFormat, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        var type = shape.GetProperty("type").GetString();
        switch (type)
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{path}: expected an object ({shapeName})");
                    return;
                }

                var members = shape.GetProperty("members");
                foreach (var p in value.EnumerateObject())
                {
                    if (!members.TryGetProperty(p.Name, out var member))
                    {
                        problems.Add($"{path}.{p.Name}: not a member of {shapeName} (members: {string.Join(", ", members.EnumerateObject().Select(m => m.Name))})");
                        continue;
                    }

                    ValidateJsonValue(model, p.Value, member.GetProperty("shape").GetString()!, path + "." + p.Name, defaultTimestampFormat, problems);
                }

                foreach (var required in Required(shape))
                {
                    Expect(value.TryGetProperty(required, out _), $"{path}: required member {required} missing", problems);
                }

                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{path}: expected an array ({shapeName})");
                    return;
                }

                CheckLength(shape, value.GetArrayLength(), path, problems);
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    ValidateJsonValue(model, item, shape.GetProperty("member").GetProperty("shape").GetString()!, $"{path}[{i++}]", defaultTimestampFormat, problems);
                }

                break;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{path}: expected a string");
                    return;
                }

                CheckString(shape, value.GetString()!, path, problems);
                break;
            case "boolean":
                Expect(value.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{path}: expected a JSON boolean", problems);
                break;
            case "integer":
            case "long":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
                {
                    problems.Add($"{path}: expected an integer");
                    return;
                }

                CheckRange(shape, n, path, problems);
                break;
            case "timestamp":
                var format = shape.TryGetProperty("timestampFormat", out var f) ? f.GetString() : defaultTimestampFormat;
                if (format == "iso8601")
                {
                    Expect(value.ValueKind == JsonValueKind.String && IsIso8601(value.GetString()!), $"{path}: timestamp must be an ISO 8601 string", problems);
                }
                else
                {
                    Expect(value.ValueKind == JsonValueKind.Number, $"{path}: timestamp must be epoch seconds (a JSON number)", problems);
                }

                break;
            default:
                problems.Add($"{path}: unexpected type {type}");
                break;
        }
    }

    private static IEnumerable<string> Required(JsonElement shape)
        => shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!) : Enumerable.Empty<string>();

    private static void CheckString(JsonElement shape, string value, string path, List<string> problems)
    {
        if (shape.TryGetProperty("enum", out var e))
        {
            var values = e.EnumerateArray().Select(x => x.GetString()).ToList();
            Expect(values.Contains(value), $"{path}: '{value}' is not one of {string.Join("|", values)}", problems);
        }

        CheckLength(shape, value.Length, path, problems);
        if (shape.TryGetProperty("pattern", out var p))
        {
            try
            {
                // AWS patterns describe the whole value.
                var ok = System.Text.RegularExpressions.Regex.IsMatch(value, "^(?:" + p.GetString() + ")$");
                Expect(ok, $"{path}: '{value}' does not match {p.GetString()}", problems);
            }
            catch (ArgumentException)
            {
                // A Java-only regex construct: the pattern cannot be checked here.
            }
        }
    }

    private static void CheckLength(JsonElement shape, int length, string path, List<string> problems)
    {
        if (shape.TryGetProperty("min", out var min) && length < min.GetInt64())
        {
            problems.Add($"{path}: length {length} < min {min.GetInt64()}");
        }

        if (shape.TryGetProperty("max", out var max) && length > max.GetInt64())
        {
            problems.Add($"{path}: length {length} > max {max.GetInt64()}");
        }
    }

    private static void CheckRange(JsonElement shape, long n, string path, List<string> problems)
    {
        if (shape.TryGetProperty("min", out var min) && n < min.GetInt64())
        {
            problems.Add($"{path}: {n} < min {min.GetInt64()}");
        }

        if (shape.TryGetProperty("max", out var max) && n > max.GetInt64())
        {
            problems.Add($"{path}: {n} > max {max.GetInt64()}");
        }
    }

    private static bool IsIso8601(string s)
        => System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$");

    private static void Expect(bool condition, string problem, List<string> problems)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }

    private sealed class FormNode
    {
        public Dictionary<string, FormNode> Children { get; } = new(StringComparer.Ordinal);

        public string? Value { get; set; }
    }
}
