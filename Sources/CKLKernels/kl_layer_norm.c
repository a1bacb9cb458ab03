// Layer normalisation of rows (see kl_kernels.h). The sums run in sixteen independent lanes,
// combined in a fixed order, so the compiler vectorises them (a single running sum would be a chain
// of dependent additions, one per element) and the bits are the same on every call and thread count.
#include "kl_kernels.h"

#include <math.h>

#define KL_LANES 16

static float kl_lanes_total(const float *lanes) {
    float total = 0;
    for (int l = 0; l < KL_LANES; l++) total += lanes[l];
    return total;
}

void kl_layer_norm_rows(const float *restrict x, const float *restrict gamma, const float *restrict beta,
                        float *restrict y, float *restrict mean, float *restrict rstd, size_t rows, size_t d,
                        float epsilon) {
    for (size_t row = 0; row < rows; row++) {
        const float *xr = x + row * d;
        float *yr = y + row * d;
        const float mu = kl_row_sum(xr, d) / (float)d;
        float lanes[KL_LANES] = {0};
        size_t i = 0;
        for (; i + KL_LANES <= d; i += KL_LANES)
            for (int l = 0; l < KL_LANES; l++) { float c = xr[i + l] - mu; lanes[l] += c * c; }
        float variance = kl_lanes_total(lanes);
        for (; i < d; i++) { float c = xr[i] - mu; variance += c * c; }
        const float r = 1.0f / sqrtf(variance / (float)d + epsilon);
        for (i = 0; i < d; i++) yr[i] = ((xr[i] - mu) * r) * gamma[i] + beta[i];
        mean[row] = mu;
        rstd[row] = r;
    }
}

void kl_layer_norm_backward_rows(const float *restrict g, const float *restrict x, const float *restrict mean,
                                 const float *restrict rstd, const float *restrict gamma, float *restrict dx,
                                 float *restrict dgamma, float *restrict dbeta, size_t rows, size_t d) {
    const float inverse_d = 1.0f / (float)d;
    for (size_t row = 0; row < rows; row++) {
        const float *gr = g + row * d, *xr = x + row * d;
        float *dr = dx + row * d;
        const float mu = mean[row], r = rstd[row];
        // dr holds x̂ until the last loop overwrites it with the gradient.
        float sum_lanes[KL_LANES] = {0}, dot_lanes[KL_LANES] = {0};
        size_t i = 0;
        for (; i + KL_LANES <= d; i += KL_LANES)
            for (int l = 0; l < KL_LANES; l++) {
                const float xhat = (xr[i + l] - mu) * r, dxhat = gr[i + l] * gamma[i + l];
                dr[i + l] = xhat;
                sum_lanes[l] += dxhat;
                dot_lanes[l] += dxhat * xhat;
                dgamma[i + l] += gr[i + l] * xhat;
                dbeta[i + l] += gr[i + l];
            }
        float sum = kl_lanes_total(sum_lanes), dot = kl_lanes_total(dot_lanes);
        for (; i < d; i++) {
            const float xhat = (xr[i] - mu) * r, dxhat = gr[i] * gamma[i];
            dr[i] = xhat;
            sum += dxhat;
            dot += dxhat * xhat;
            dgamma[i] += gr[i] * xhat;
            dbeta[i] += gr[i];
        }
        const float mean_dxhat = sum * inverse_d, mean_dxhat_xhat = dot * inverse_d;
        for (i = 0; i < d; i++) dr[i] = r * (gr[i] * gamma[i] - mean_dxhat - dr[i] * mean_dxhat_xhat);
    }
}
