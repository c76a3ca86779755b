/* For the Windows smoke test under Wine only, never shipped.
 *
 * Rust's standard library gets random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Wine 8 does not have. This stand-in, placed
 * beside the .exe, answers with RtlGenRandom (advapi32's SystemFunction036),
 * which Wine does have. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
