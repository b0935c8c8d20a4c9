using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class StartRequestValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseStartRequest_ValidBodyWithoutEndTime_KeepsEndOpen()
    {
        var request = Parse(Body());

        Assert.Equal("arn:aws:iam::123456789012:user/app", request.PrincipalArn);
        Assert.Null(request.EndTime);
        Assert.True(Assert.Single(request.Trails).AllRegions);
        Assert.Equal("token-1", request.ClientToken);
    }

    [Theory]
    [InlineData("principal", "policyGenerationDetails.principalArn")]
    [InlineData("role", "cloudTrailDetails.accessRole")]
    [InlineData("trail", "cloudTrailDetails.trails.0.cloudTrailArn")]
    [InlineData("no-start", "cloudTrailDetails.startTime")]
    [InlineData("reversed", "cloudTrailDetails.startTime")]
    [InlineData("too-long", "cloudTrailDetails.endTime")]
    [InlineData("no-trails", "cloudTrailDetails.trails")]
    public void ParseStartRequest_BadField_ValidationExceptionNamesTheField(string problem, string field)
    {
        var body = problem switch
        {
            "principal" => Body(principal: "arn:aws:iam::123456789012:group/devs"),
            "role" => Body(role: "arn:aws:iam::123456789012:user/not-a-role"),
            "trail" => Body(trail: "arn:aws:s3:::bucket"),
            "no-start" => Body(start: null),
            "reversed" => Body(start: "2026-05-02T00:00:00Z", end: "2026-05-01T00:00:00Z"),
            "too-long" => Body(start: "2026-01-01T00:00:00Z", end: "2026-04-02T00:00:00Z"),
            _ => Body(noTrails: true),
        };

        var error = Assert.Throws<AnalyzerError>(() => Parse(body));

        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("fieldValidationFailed", error.Members["reason"]);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void ParseStartRequest_Exactly90Days_IsAccepted()
    {
        var request = Parse(Body(start: "2026-01-01T00:00:00Z", end: "2026-04-01T00:00:00Z"));

        Assert.Equal(TimeSpan.FromDays(90), request.EndTime!.Value - request.StartTime);
    }

    private static StartGenerationRequest Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        return AccessAnalyzerEmulator.ParseStartRequest(document.RootElement, Now, TimeSpan.FromDays(90));
    }

    private static string Body(
        string principal = "arn:aws:iam::123456789012:user/app",
        string role = "arn:aws:iam::123456789012:role/service-role/AccessAnalyzerMonitorServiceRole",
        string trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/lp",
        string? start = "2026-05-31T00:00:00Z",
        string? end = null,
        bool noTrails = false)
    {
        var details = new Dictionary<string, object>
        {
            ["trails"] = noTrails ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["cloudTrailArn"] = trail, ["allRegions"] = true } },
            ["accessRole"] = role,
        };
        if (start is not null)
        {
            details["startTime"] = start;
        }

        if (end is not null)
        {
            details["endTime"] = end;
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["policyGenerationDetails"] = new Dictionary<string, object> { ["principalArn"] = principal },
            ["cloudTrailDetails"] = details,
            ["clientToken"] = "token-1",
        });
    }
}
