// Typed wrappers around libcurl's variadic entry points, which Swift cannot call.
#ifndef ARTY_CCURL_H
#define ARTY_CCURL_H
#include <curl/curl.h>

typedef size_t (*ccurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*ccurl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                       curl_off_t ultotal, curl_off_t ulnow);
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_write_callback(CURL *handle, ccurl_data_callback cb);
CURLcode ccurl_setopt_header_callback(CURL *handle, ccurl_data_callback cb);
CURLcode ccurl_setopt_read_callback(CURL *handle, ccurl_read_callback cb);
CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback cb);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

CURLSHcode ccurl_share_setopt_long(CURLSH *share, CURLSHoption option, long value);

/// curl_multi_setopt for long-valued options (CURLMOPT_MAX_HOST_CONNECTIONS, ...).
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/// The result code of a CURLMSG_DONE message (a union member Swift cannot reach safely).
CURLcode ccurl_msg_result(const CURLMsg *msg);
/// CURL_ZERO_TERMINATED, a cast macro that does not import into Swift.
size_t ccurl_zero_terminated(void);
/// CURL_ERROR_SIZE: the size of the buffer CURLOPT_ERRORBUFFER needs.
size_t ccurl_error_size(void);

#endif
