using MeshMind.Conversations;
using MeshMind.Conversations.Chat;
using MeshMind.Llm;
using MeshMind.Llm.Routing;
using Microsoft.Extensions.Time.Testing;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MeshMind.Tests.Llm;

public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("llama3", "llama3:latest", true)]
    [InlineData("LLama3", "llama3:latest", true)]
    [InlineData("llama3:latest", "llama3", true)]
    [InlineData("llama3:8b", "llama3:latest", false)]
    [InlineData("llama3", "llama3.1:latest", false)]
    [InlineData("registry.local:5000/team/model", "registry.local:5000/team/model:latest", true)]
    public void Matches(string requested, string available, bool expected) => Assert.Equal(expected, ModelNames.Matches(requested, available));

    [Fact]
    public void Matches_AgreesWithNormalize_ForEveryPair()
    {
        string[] names = ["llama3", "llama3:latest", " LLAMA3 ", "llama3:8b", "llama3:8B", "llama3.1", "a:b/c", "a:b/c:latest", "a/b:c", "a/b", "a/b:latest",
            "host:5000/ns/m", "host:5000/ns/m:latest", "host:5000/ns/m:v2", "m:", "m::x", ":latest", "", "/", "x/:y"];

        foreach (var a in names)
        {
            foreach (var b in names)
            {
                Assert.True(string.Equals(ModelNames.Normalize(a), ModelNames.Normalize(b), StringComparison.OrdinalIgnoreCase) == ModelNames.Matches(a, b), $"'{a}' vs '{b}'");
            }
        }
    }
}

public sealed class CircuitBreakerTests
{
    [Fact]
    public void OpensAfterThreeFailures_HalfOpensAfter30s_ClosesAfterTwoSuccesses()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(time);

        breaker.Failure();
        breaker.Failure();
        Assert.Equal(BreakerState.Closed, breaker.State);
        breaker.Failure();
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.Allows);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(BreakerState.Open, breaker.State);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.Allows);

        breaker.Success();
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        breaker.Success();
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void FailureWhileHalfOpen_OpensAgainAtOnce()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(time);
        breaker.Failure();
        breaker.Failure();
        breaker.Failure();
        time.Advance(CircuitBreaker.OpenFor);

        breaker.Failure();

        Assert.Equal(BreakerState.Open, breaker.State);
        time.Advance(CircuitBreaker.OpenFor - TimeSpan.FromSeconds(1));
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void SuccessResetsTheFailureCount()
    {
        var breaker = new CircuitBreaker(new FakeTimeProvider());
        breaker.Failure();
        breaker.Failure();
        breaker.Success();
        breaker.Failure();
        breaker.Failure();

        Assert.Equal(BreakerState.Closed, breaker.State);
    }
    [Fact]
    public void Reset_ClosesAnOpenBreaker_AndForgetsItsCount()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(time);
        breaker.Failure();
        breaker.Failure();
        breaker.Failure();
        Assert.Equal(time.GetUtcNow(), breaker.OpenedAt);

        breaker.Reset();

        Assert.Equal(BreakerState.Closed, breaker.State);
        breaker.Failure();
        breaker.Failure();
        Assert.Equal(BreakerState.Closed, breaker.State);
    }
}

public sealed class CandidateRankerTests
{
    private static LlmCandidate Candidate(string id, bool local = false, bool loaded = true, int inFlight = 0, int slots = 4, int outstanding = 0,
        double? ttft = null, BreakerState breaker = BreakerState.Closed, string model = "llama3:latest", bool probeLate = false, int openedAt = 0) =>
        new(new LlmHost(id, id, "127.0.0.1", true, local),
            new LlmCapability(true, [new ModelInfo(model, loaded, 1, "llama", "8B")], inFlight, slots, null, null) { ProbeLate = probeLate },
            outstanding, ttft, breaker)
        {
            BreakerOpenedAt = DateTimeOffset.UnixEpoch.AddSeconds(openedAt),
        };

    private static string[] Order(params LlmCandidate[] candidates) => [.. CandidateRanker.Rank("llama3", candidates).Select(c => c.Host.NodeId)];

    [Fact]
    public void LocalFirst_WhileItHasAFreeSlot_EvenIfAPeerIsBetter()
    {
        Assert.Equal(["me", "peer"], Order(Candidate("peer", ttft: 1), Candidate("me", local: true, loaded: false, inFlight: 3, ttft: 900)));
    }

    [Fact]
    public void FullLocal_CompetesLikeAnyPeer()
    {
        Assert.Equal(["peer", "me"], Order(Candidate("me", local: true, inFlight: 4), Candidate("peer", inFlight: 1)));
    }

    [Fact]
    public void LoadedModel_BeatsFewerRequests()
    {
        Assert.Equal(["loaded", "cold"], Order(Candidate("cold", loaded: false), Candidate("loaded", inFlight: 3)));
    }

    [Fact]
    public void FewestRequestsPerSlot_CountingOurOwnOutstanding()
    {
        Assert.Equal(["big", "small", "busy"], Order(
            Candidate("busy", inFlight: 1, slots: 2, outstanding: 1),
            Candidate("small", inFlight: 1, slots: 2),
            Candidate("big", inFlight: 1, slots: 8)));
    }

    [Fact]
    public void EqualLoad_LowestTtftWins_UnknownLast()
    {
        Assert.Equal(["fast", "slow", "unknown"], Order(Candidate("unknown"), Candidate("slow", ttft: 80), Candidate("fast", ttft: 20)));
    }

    [Fact]
    public void AllElseEqual_ByNodeId_WhateverTheInputOrder()
    {
        Assert.Equal(["a", "b", "c", "d"], Order(Candidate("c"), Candidate("a"), Candidate("d"), Candidate("b")));
        Assert.Equal(["a", "b", "c", "d"], Order(Candidate("d"), Candidate("c"), Candidate("b"), Candidate("a")));
    }

    [Fact]
    public void OpenBreaker_Excluded_HalfOpenAfterHealthy_OtherModelsExcluded()
    {
        Assert.Equal(["healthy", "trial"], Order(
            Candidate("trial", breaker: BreakerState.HalfOpen, ttft: 1),
            Candidate("open", breaker: BreakerState.Open, ttft: 1),
            Candidate("other", model: "phi3:mini"),
            Candidate("healthy", ttft: 500)));
    }

    /// <summary>Issue 14: breakers that are all open must not refuse every linked host; the least recently failed goes first.</summary>
    [Fact]
    public void EveryBreakerOpen_AllStillTried_LeastRecentlyFailedFirst_OtherModelsExcluded()
    {
        Assert.Equal(["early", "middle", "late"], Order(
            Candidate("late", breaker: BreakerState.Open, openedAt: 30),
            Candidate("other", breaker: BreakerState.Open, openedAt: 1, model: "phi3:mini"),
            Candidate("early", breaker: BreakerState.Open, openedAt: 10),
            Candidate("middle", breaker: BreakerState.Open, openedAt: 20)));
        Assert.Empty(Order(Candidate("other", model: "phi3:mini")));
    }

    [Fact]
    public void LateProbe_AfterHostsThatAnswered_BeforeHalfOpen_AndStillTriedAlone()
    {
        Assert.Equal(["answered", "late", "trial"], Order(
            Candidate("trial", breaker: BreakerState.HalfOpen, ttft: 1),
            Candidate("late", probeLate: true, ttft: 1),
            Candidate("answered", inFlight: 3, ttft: 900)));
        Assert.Equal(["peer", "me"], Order(Candidate("me", local: true, probeLate: true), Candidate("peer", inFlight: 3)));
        Assert.Equal(["late"], Order(Candidate("late", local: true, probeLate: true)));
    }
}

public sealed class ChatContextTests
{
    private static Exchange Turn(string question, string answer) =>
        new("x_" + question, "c_1", question, answer, "llama3:latest", new ExchangeHost("n", "n", "127.0.0.1", true), 1, 1, 1, 1, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void Pdf_GivesItsExtractedText()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(PageSize.A4);
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        page.AddText("Quarterly revenue rose by 12 percent", 12, new PdfPoint(40, 700), font);
        var pdf = builder.Build();

        var text = ChatFiles.Describe("report.pdf", pdf);

        Assert.Contains("PDF", text);
        Assert.Contains("Quarterly revenue rose by 12 percent", text);
        Assert.DoesNotContain("%PDF", text);
    }

    [Fact]
    public void Text_GivesTheFirst4000Characters()
    {
        var content = System.Text.Encoding.UTF8.GetBytes(new string('a', 4000) + "TAIL-NOT-SENT");

        var text = ChatFiles.Describe("notes.txt", content);

        Assert.Contains(new string('a', 4000), text);
        Assert.DoesNotContain("TAIL-NOT-SENT", text);
    }

    [Fact]
    public void Binary_GivesAn8KbBase64Preview()
    {
        var content = new byte[20_000];
        new Random(7).NextBytes(content);
        content[0] = 0;

        var text = ChatFiles.Describe("blob.bin", content);

        Assert.Contains(Convert.ToBase64String(content, 0, 8192), text);
        Assert.DoesNotContain(Convert.ToBase64String(content, 0, 8193), text);
    }

    [Fact]
    public void History_IsBoundedByTurnsAndCharacters_NewestKept()
    {
        var history = Enumerable.Range(1, 10).Select(i => Turn($"q{i}", new string('x', 100))).ToList();

        var byTurns = ChatPrompt.Build(history, null, "now?", maxTurns: 3, maxCharacters: 100_000);
        var byCharacters = ChatPrompt.Build(history, null, "now?", maxTurns: 10, maxCharacters: 250);

        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"], byTurns.Select(m => m.Role.ToString()!).ToArray());
        Assert.Equal(["q8", "q9", "q10"], byTurns.Where((m, i) => i is 1 or 3 or 5).Select(m => m.Content!).ToArray());
        Assert.Equal("now?", byTurns[^1].Content);
        Assert.Equal(["q9", "q10"], byCharacters.Where((m, i) => i > 0 && i % 2 == 1 && i < byCharacters.Count - 1).Select(m => m.Content!).ToArray());
    }

    [Fact]
    public void File_UsesTheFileAnalysisPrompt_AndPrefixesTheQuestion()
    {
        var messages = ChatPrompt.Build([], "File 'a.txt' (text):\nhello", "what is in it?", 8, 16_000);

        Assert.Equal(ChatFiles.FileSystemPrompt, messages[0].Content);
        Assert.StartsWith("File 'a.txt'", messages[1].Content);
        Assert.EndsWith("Question: what is in it?", messages[1].Content);
    }
}
