using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace MeshMind.Knowledge.Embeddings;

/// <summary>Embedding vectors as the index keeps them: unit length, float32 little-endian in a blob, compared by dot product (their cosine).</summary>
internal static class Vectors
{
    /// <summary>The most numbers a vector may have (large embedding models have 4096).</summary>
    public const int MaxDimensions = 8192;

    /// <summary><paramref name="vector"/> scaled to unit length, or null when it is empty, too long, all zeros or not finite.</summary>
    public static float[]? Normalize(IReadOnlyList<float> vector)
    {
        if (vector.Count is 0 or > MaxDimensions)
        {
            return null;
        }

        var copy = vector.ToArray();
        var norm = (float)Math.Sqrt(copy.Sum(v => (double)v * v));
        if (!float.IsFinite(norm) || norm == 0)
        {
            return null;
        }

        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] /= norm;
        }

        return copy;
    }

    public static byte[] ToBlob(float[] vector)
    {
        var blob = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i * sizeof(float)), vector[i]);
        }

        return blob;
    }

    /// <summary>The dot product of <paramref name="query"/> and a stored vector of the same length.</summary>
    public static float Dot(float[] query, byte[] stored)
    {
        if (BitConverter.IsLittleEndian)
        {
            ReadOnlySpan<float> a = query, b = MemoryMarshal.Cast<byte, float>(stored.AsSpan(0, query.Length * sizeof(float)));
            var sums = Vector<float>.Zero;
            var i = 0;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                sums += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }

            var dot = Vector.Sum(sums);
            for (; i < a.Length; i++)
            {
                dot += a[i] * b[i];
            }

            return dot;
        }

        var sum = 0f;
        for (var i = 0; i < query.Length; i++)
        {
            sum += query[i] * BinaryPrimitives.ReadSingleLittleEndian(stored.AsSpan(i * sizeof(float)));
        }

        return sum;
    }
}
